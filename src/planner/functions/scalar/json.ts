// JSON functions over JSON text held in STRING columns.

import { T, type SqlType } from '../../../parser/sql-type.js';
import { Decimal, isStruct, type Value } from '../../values.js';
import { JsonNumber, parseJson, stringifyJson, type Json } from '../../../util/lossless-json.js';
import { noOverload, P, scalar } from '../define.js';
import type { ScalarFunction } from '../types.js';
import { javaDouble } from '../../expr/java-format.js';

const s = (v: unknown) => v as string;

/** The first JSON value of the text, what follows ignored (Jackson's readTree); undefined when there is none. */
function tryParse(text: string): Json | undefined {
  try {
    return parseJson(text, { allowTrailing: true });
  } catch {
    return undefined;
  }
}

/**
 * ksqlDB's UdfJsonMapper.parseJson: the first JSON value of the text (Jackson's readTree, what
 * follows ignored); undefined for text that is empty or blank (Jackson's missing node, no error);
 * text that is not JSON fails the row (the caller's row error: NULL and the processing log).
 */
function parseOrFail(text: string): Json | undefined {
  if (text.trim() === '') return undefined;
  const j = tryParse(text);
  if (j === undefined) throw new Error(`Invalid JSON format:${text}`);
  return j;
}

const isLetterOrDigit = (c: string) => /[\p{L}\p{Nd}]/u.test(c);
const isSubscriptChar = (c: string) => c === '_' || isLetterOrDigit(c);

const pathCache = new Map<string, string[]>();

/**
 * ksqlDB's JsonPathTokenizer: `$`, then `.name` (letters, digits, `_`, `:`, `@`), `[name]`
 * (letters, digits, `_`) or `["quoted"]` (only `\"` and `\\` escaped); anything else, a single
 * quote included, is an invalid path, which fails the row. Each step is a name: an array takes
 * it as an index.
 */
function pathSteps(path: string): string[] {
  const hit = pathCache.get(path);
  if (hit) return hit;
  const bad = () => new Error(`Invalid JSON path: '${path}'`);
  if (path[0] !== '$') throw bad();
  const steps: string[] = [];
  let i = 1;
  const run = (ok: (c: string) => boolean): string => {
    const start = i;
    while (i < path.length && ok(path[i]!)) i++;
    if (i === start) throw bad();
    return path.slice(start, i);
  };
  while (i < path.length) {
    const c = path[i++];
    if (c === '.') steps.push(run((ch) => ch === ':' || ch === '@' || isSubscriptChar(ch)));
    else if (c === '[') {
      if (path[i] === '"') {
        i++;
        let token = '';
        for (;;) {
          if (i >= path.length) throw bad();
          const ch = path[i++]!;
          if (ch === '"') break;
          if (ch === '\\') {
            const e = path[i++];
            if (e !== '"' && e !== '\\') throw bad();
            token += e;
          } else token += ch;
        }
        steps.push(token);
      } else steps.push(run(isSubscriptChar));
      if (path[i++] !== ']') throw bad();
    } else throw bad();
  }
  if (pathCache.size > 1000) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

function walk(j: Json, steps: string[]): Json | undefined {
  let cur: Json | undefined = j;
  for (const st of steps) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || cur instanceof JsonNumber) return undefined;
    if (Array.isArray(cur)) {
      // Integer.parseInt of the step: a name that is no int is no element.
      if (!/^\d+$/.test(st) || Number(st) > 2147483647) return undefined;
      cur = cur[Number(st)];
    } else cur = Object.hasOwn(cur, st) ? (cur as Record<string, Json>)[st] : undefined;
  }
  return cur;
}

/** ksqlDB's TO_JSON_STRING rendering of any value. */
export function toJsonText(v: Value, t: SqlType | null): string {
  return stringifyJson(toJson(v, t));
}

const two = (v: number) => String(v).padStart(2, '0');

/** LocalTime.ofSecondOfDay(s).toString(): HH:mm, with :ss only when the seconds are not zero. */
function localTimeText(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const s = sec % 60;
  return `${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}${s ? `:${two(s)}` : ''}`;
}

/** Sorted by key, as ksqlDB's TreeMap of a struct's fields and of a map's keys. */
const sorted = (entries: [string, Json][]): Record<string, Json> => Object.fromEntries(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

function toJson(v: Value, t: SqlType | null): Json {
  if (v === null) return null;
  // As ksqlDB's SqlTimeTypes: a TIME its LocalTime text (no millis), a DATE yyyy-MM-dd, a
  // TIMESTAMP yyyy-MM-dd'T'HH:mm:ss.SSS in UTC.
  if (typeof v === 'number' && t?.kind === 'TIME') return localTimeText(v);
  if (typeof v === 'number' && t?.kind === 'DATE') return new Date(v * 86_400_000).toISOString().slice(0, 10);
  if (typeof v === 'number' && t?.kind === 'TIMESTAMP') return isoTimestamp(v);
  if (typeof v === 'number' && t?.kind === 'DOUBLE') return new JsonNumber(javaDouble(v));
  if (typeof v === 'number') return new JsonNumber(String(v));
  if (typeof v === 'bigint') return new JsonNumber(String(v));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Decimal) return new JsonNumber(v.toString());
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => toJson(x, t?.kind === 'ARRAY' ? t.item : null));
  if (v instanceof Map) return sorted([...v].map(([k, x]) => [String(k), toJson(x, t?.kind === 'MAP' ? t.value : null)]));
  if (isStruct(v)) return sorted(Object.entries(v).map(([k, x]) => [k, toJson(x, t?.kind === 'STRUCT' ? (t.fields.find((f) => f.name === k)?.type ?? null) : null)]));
  return null;
}

/** DateTimeFormatter yyyy-MM-dd'T'HH:mm:ss.SSS at UTC; years past 9999 signed, as java.time pads them. */
function isoTimestamp(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const year = y > 9999 ? `+${y}` : y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}${d.toISOString().slice(d.toISOString().indexOf('-', 1), 23)}`;
}

/**
 * The top-level elements of a JSON array as Jackson's streaming parser meets them (ksqlDB's
 * JSON_ARRAY_CONTAINS): the elements whole before the text stops being JSON count, so
 * `[1, 2, oops` holds 1 and 2. Undefined when the text does not open an array.
 */
function arrayElements(text: string): Json[] | undefined {
  if (text.trimStart()[0] !== '[') return undefined;
  let at: number;
  try {
    const j = parseJson(text, { allowTrailing: true });
    return Array.isArray(j) ? j : undefined;
  } catch (e) {
    const m = /Invalid JSON at (\d+)/.exec((e as Error).message);
    if (!m) return [];
    at = Number(m[1]);
  }
  const cuts = [at];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < at && i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) cuts.push(i);
  }
  for (const cut of [cuts[0]!, ...cuts.slice(1).reverse()]) {
    try {
      const j = parseJson(`${text.slice(0, cut)}]`);
      if (Array.isArray(j)) return j;
    } catch {
      // an element cut in two: try the comma before
    }
  }
  return [];
}

function jsonElementIs(x: Json, want: Value, kind: string | undefined): boolean {
  if (x === null) return want === null;
  if (want === null) return false;
  if (x instanceof JsonNumber) {
    const integral = /^-?\d+$/.test(x.text);
    if (integral) return (kind === 'INTEGER' || kind === 'BIGINT') && BigInt(x.text) === BigInt(want as number | bigint);
    return kind === 'DOUBLE' && Number(x.text) === want;
  }
  if (typeof x === 'string') return kind === 'STRING' && x === want;
  if (typeof x === 'boolean') return kind === 'BOOLEAN' && x === want;
  return false;
}

export const jsonFunctions: ScalarFunction[] = [
  scalar('EXTRACTJSONFIELD', 'json', 'The value at a JSON path ($.a.b[0]) in JSON text, as a string.', [
    {
      params: [P.STRING, P.STRING],
      returns: T.STRING,
      fn: (a) => {
        const j = parseOrFail(s(a[0]));
        if (j === undefined) return null;
        const v = walk(j, pathSteps(s(a[1])));
        // A JSON null found at the path is the text 'null' (Jackson's NullNode), a missing one NULL.
        if (v === undefined) return null;
        return typeof v === 'string' ? v : stringifyJson(v);
      },
    },
  ]),
  scalar('IS_JSON_STRING', 'json', 'Whether a string is valid JSON.', [{ params: [P.STRING], returns: T.BOOLEAN, nullTolerant: true, fn: (a) => a[0] !== null && tryParse(s(a[0])) !== undefined }]),
  scalar('JSON_ARRAY_LENGTH', 'json', 'The length of a JSON array.', [
    {
      params: [P.STRING],
      returns: T.INTEGER,
      fn: (a) => {
        const j = parseOrFail(s(a[0]));
        return Array.isArray(j) ? j.length : null;
      },
    },
  ]),
  // As ksqlDB's streaming check: an element matches only a value of its JSON kind — an integer
  // an INT or BIGINT, a fraction a DOUBLE, a string a STRING, true/false a BOOLEAN, null a NULL;
  // nested arrays and objects never match.
  scalar('JSON_ARRAY_CONTAINS', 'json', 'Whether a JSON array contains a value (of the matching JSON kind); false for anything but an array.', [
    {
      params: [P.STRING, P.ANY],
      returns: T.BOOLEAN,
      nullTolerant: true,
      fn: () => false,
      bind: (types) => (a) => {
        if (a[0] === null) return false;
        const j = arrayElements(s(a[0]));
        if (!j) return false;
        const want = (a[1] ?? null) as Value;
        const kind = types[1]?.kind;
        return j.some((x) => jsonElementIs(x, want, kind));
      },
    },
  ]),
  scalar('JSON_KEYS', 'json', 'The keys of a JSON object.', [
    {
      params: [P.STRING],
      returns: T.array(T.STRING),
      fn: (a) => {
        const j = parseOrFail(s(a[0]));
        return j && typeof j === 'object' && !Array.isArray(j) && !(j instanceof JsonNumber) ? Object.keys(j) : null;
      },
    },
  ]),
  scalar('JSON_RECORDS', 'json', 'The entries of a JSON object, each value as JSON text.', [
    {
      params: [P.STRING],
      returns: T.map(T.STRING, T.STRING),
      fn: (a) => {
        const j = parseOrFail(s(a[0]));
        if (!j || typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) return null;
        // A string value is its text, unquoted; any other value its JSON.
        return new Map(Object.entries(j).map(([k, v]) => [k, typeof v === 'string' ? v : stringifyJson(v)]));
      },
    },
  ]),
  scalar('JSON_ITEMS', 'json', 'The elements of a JSON array, each as JSON text.', [
    {
      params: [P.STRING],
      returns: T.array(T.STRING),
      fn: (a) => {
        // ksqlDB reads the text as a list (readAsJsonArray): blank text, text that is not JSON and
        // JSON that is not an array all fail the row alike.
        const j = tryParse(s(a[0]));
        if (!Array.isArray(j)) throw new Error(`Invalid JSON format:${s(a[0])}`);
        return j.map((x) => stringifyJson(x));
      },
    },
  ]),
  scalar('JSON_CONCAT', 'json', 'Merges JSON objects, or concatenates JSON arrays.', [
    {
      params: [P.STRING],
      variadic: P.STRING,
      returns: T.STRING,
      fn: (a) => {
        const parts = a.map((x) => parseOrFail(s(x)));
        if (parts.some((p) => p === undefined)) return null;
        if (parts.every((p) => Array.isArray(p))) return stringifyJson(parts.flatMap((p) => p as Json[]));
        if (parts.every((p) => p && typeof p === 'object' && !Array.isArray(p) && !(p instanceof JsonNumber))) return stringifyJson(Object.assign({}, ...(parts as object[])) as Json);
        return stringifyJson(parts.flatMap((p) => (Array.isArray(p) ? p : [p!])));
      },
    },
  ]),
  {
    name: 'TO_JSON_STRING',
    category: 'json',
    description: 'Any value rendered as JSON text.',
    signatures: ['TO_JSON_STRING(T) → STRING'],
    resolve(args) {
      if (args.length !== 1) throw noOverload('TO_JSON_STRING', args);
      const t = args[0]!.type;
      return { returnType: T.STRING, nullTolerant: true, fn: (a) => toJsonText((a[0] ?? null) as Value, t) };
    },
  },
];
