// The pattern language of java.time's DateTimeFormatterBuilder.appendPattern, which
// DateTimeFormatter.ofPattern and every ksqlDB date/time function read their format through:
// which letters exist and how many of each, 'quoted' text, [optional] sections, and the words of
// each refusal. A compiled pattern is a tree of printer-parsers, as the builder makes.

export type SignStyle = 'NORMAL' | 'NOT_NEGATIVE' | 'EXCEEDS_PAD';
export type TextStyle = 'SHORT' | 'FULL' | 'NARROW';

/** A field as java.time names it in its messages (ChronoField's display names). */
export type FieldName =
  | 'Era'
  | 'YearOfEra'
  | 'Year'
  | 'QuarterOfYear'
  | 'MonthOfYear'
  | 'DayOfYear'
  | 'DayOfMonth'
  | 'AlignedDayOfWeekInMonth'
  | 'DayOfWeek'
  | 'LocalizedDayOfWeek'
  | 'WeekBasedYear'
  | 'WeekOfWeekBasedYear'
  | 'WeekOfMonth'
  | 'AmPmOfDay'
  | 'HourOfDay'
  | 'ClockHourOfDay'
  | 'HourOfAmPm'
  | 'ClockHourOfAmPm'
  | 'MinuteOfHour'
  | 'SecondOfMinute'
  | 'NanoOfSecond'
  | 'MilliOfDay'
  | 'NanoOfDay';

export type Element =
  | { kind: 'lit'; text: string }
  | { kind: 'num'; field: FieldName; min: number; max: number; sign: SignStyle; subsequent: number }
  | { kind: 'reduced'; field: FieldName }
  | { kind: 'fraction'; width: number }
  | { kind: 'text'; field: FieldName; style: TextStyle }
  | { kind: 'offset'; pattern: string; noOffset: string }
  | { kind: 'localizedOffset'; full: boolean }
  | { kind: 'zoneId' }
  | { kind: 'zoneText'; full: boolean }
  | { kind: 'optional'; elements: Element[] };

const FIELDS: Record<string, FieldName> = {
  G: 'Era',
  y: 'YearOfEra',
  u: 'Year',
  Q: 'QuarterOfYear',
  q: 'QuarterOfYear',
  M: 'MonthOfYear',
  L: 'MonthOfYear',
  D: 'DayOfYear',
  d: 'DayOfMonth',
  F: 'AlignedDayOfWeekInMonth',
  E: 'DayOfWeek',
  c: 'LocalizedDayOfWeek',
  e: 'LocalizedDayOfWeek',
  a: 'AmPmOfDay',
  H: 'HourOfDay',
  k: 'ClockHourOfDay',
  K: 'HourOfAmPm',
  h: 'ClockHourOfAmPm',
  m: 'MinuteOfHour',
  s: 'SecondOfMinute',
  S: 'NanoOfSecond',
  A: 'MilliOfDay',
  n: 'NanoOfSecond',
  N: 'NanoOfDay',
  Y: 'WeekBasedYear',
  w: 'WeekOfWeekBasedYear',
  W: 'WeekOfMonth',
};

/** OffsetIdPrinterParser's patterns, indexed as the builder indexes them. */
const OFFSET_PATTERNS = ['+HH', '+HHmm', '+HH:mm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss', '+HHMMSS', '+HH:MM:SS'];

const tooMany = (c: string) => new Error(`Too many pattern letters: ${c}`);

function num(field: FieldName, min: number, max = min, sign: SignStyle = 'NOT_NEGATIVE'): Element {
  if (min < 1 || min > 19) throw new Error(`The minimum width must be from 1 to 19 inclusive but was ${min}`);
  return { kind: 'num', field, min, max, sign, subsequent: 0 };
}

function value(field: FieldName, count: number): Element {
  return count === 1 ? num(field, 1, 19, 'NORMAL') : num(field, count);
}

function textOrValue(c: string, field: FieldName, count: number): Element {
  if (count === 1) return num(field, 1, 19, 'NORMAL');
  if (count === 2) return num(field, 2);
  if (count === 3) return { kind: 'text', field, style: 'SHORT' };
  if (count === 4) return { kind: 'text', field, style: 'FULL' };
  if (count === 5) return { kind: 'text', field, style: 'NARROW' };
  throw tooMany(c);
}

function field(c: string, count: number): Element {
  const f = FIELDS[c]!;
  switch (c) {
    case 'u':
    case 'y':
    case 'Y':
      if (count === 2) return { kind: 'reduced', field: f };
      return num(f, count, 19, count < 4 ? 'NORMAL' : 'EXCEEDS_PAD');
    case 'G':
    case 'E':
      if (count <= 3) return { kind: 'text', field: f, style: 'SHORT' };
      if (count === 4) return { kind: 'text', field: f, style: 'FULL' };
      if (count === 5) return { kind: 'text', field: f, style: 'NARROW' };
      throw tooMany(c);
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
      return textOrValue(c, f, count);
    case 'e':
    case 'c':
      if (c === 'c' && count === 2) throw new Error('Invalid pattern "cc"');
      if (count <= 2) return value(f, count);
      return textOrValue(c, 'DayOfWeek', count);
    case 'a':
      if (count === 1) return { kind: 'text', field: f, style: 'SHORT' };
      throw tooMany(c);
    case 'w':
      if (count > 2) throw tooMany(c);
      return value(f, count);
    case 'W':
    case 'F':
      if (count > 1) throw tooMany(c);
      return value(f, 1);
    case 'D':
      if (count === 1) return value(f, 1);
      if (count === 2) return num(f, 2, 3);
      if (count === 3) return num(f, 3);
      throw tooMany(c);
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
      if (count > 2) throw tooMany(c);
      return value(f, count);
    case 'S':
      if (count > 9) throw new Error(`Minimum width must be from 0 to 9 inclusive but was ${count}`);
      return { kind: 'fraction', width: count };
    default:
      // A, n, N
      return count === 1 ? num(f, 1, 19, 'NORMAL') : num(f, count, 19);
  }
}

function zone(c: string, count: number): Element {
  switch (c) {
    case 'V':
      if (count !== 2) throw new Error('Pattern letter count must be 2: V');
      return { kind: 'zoneId' };
    case 'v':
      if (count !== 1 && count !== 4) throw new Error('Wrong number of pattern letters: v');
      return { kind: 'zoneText', full: count === 4 };
    case 'z':
      if (count > 4) throw tooMany(c);
      return { kind: 'zoneText', full: count === 4 };
    case 'O':
      if (count !== 1 && count !== 4) throw new Error('Pattern letter count must be 1 or 4: O');
      return { kind: 'localizedOffset', full: count === 4 };
    case 'X':
      if (count > 5) throw tooMany(c);
      return { kind: 'offset', pattern: OFFSET_PATTERNS[count + (count === 1 ? 0 : 1)]!, noOffset: 'Z' };
    case 'x': {
      if (count > 5) throw tooMany(c);
      const noOffset = count === 1 ? '+00' : count % 2 === 0 ? '+0000' : '+00:00';
      return { kind: 'offset', pattern: OFFSET_PATTERNS[count + (count === 1 ? 0 : 1)]!, noOffset };
    }
    default: // Z
      if (count < 4) return { kind: 'offset', pattern: '+HHMM', noOffset: '+0000' };
      if (count === 4) return { kind: 'localizedOffset', full: true };
      if (count === 5) return { kind: 'offset', pattern: '+HH:MM:ss', noOffset: 'Z' };
      throw tooMany(c);
  }
}

const isNumeric = (e: Element) => e.kind === 'num' || e.kind === 'reduced' || e.kind === 'fraction';
const fixedWidth = (e: Element) => (e.kind === 'num' ? (e.min === e.max ? e.min : -1) : e.kind === 'reduced' ? 2 : e.kind === 'fraction' ? e.width : -1);

/**
 * Adjacent value parsing: a number followed directly by fixed-width numbers leaves their digits to
 * them ('yyyyMMdd' reads 20210102 as 2021, 01, 02), as the builder chains appendValue calls.
 */
function chainAdjacent(elements: Element[]): void {
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.kind !== 'num') continue;
    let width = 0;
    for (let j = i + 1; j < elements.length && isNumeric(elements[j]!) && fixedWidth(elements[j]!) > 0; j++) width += fixedWidth(elements[j]!);
    elements[i] = { ...e, subsequent: width };
  }
}

const cache = new Map<string, Element[]>();

/** DateTimeFormatter.ofPattern(pattern)'s elements, or its exception's words. */
export function compilePattern(pattern: string): Element[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const root: Element[] = [];
  const stack: Element[][] = [root];
  let active = root;
  for (let pos = 0; pos < pattern.length; pos++) {
    const cur = pattern[pos]!;
    if (/[A-Za-z]/.test(cur)) {
      const start = pos++;
      while (pos < pattern.length && pattern[pos] === cur) pos++;
      const count = pos - start;
      const c = cur;
      if (c === 'p') {
        // Padding is a modifier of the next element; Eddy reads it as a refusal rather than pad wrongly.
        throw new Error(`Unsupported pattern letter: p`);
      }
      pos--;
      if (FIELDS[c] !== undefined) active.push(field(c, count));
      else if ('VvzOXxZ'.includes(c)) active.push(zone(c, count));
      else throw new Error(`Unknown pattern letter: ${c}`);
    } else if (cur === "'") {
      const start = pos++;
      for (; pos < pattern.length; pos++) {
        if (pattern[pos] === "'") {
          if (pos + 1 < pattern.length && pattern[pos + 1] === "'") pos++;
          else break;
        }
      }
      if (pos >= pattern.length) throw new Error(`Pattern ends with an incomplete string literal: ${pattern}`);
      const str = pattern.slice(start + 1, pos);
      active.push({ kind: 'lit', text: str.length === 0 ? "'" : str.replace(/''/g, "'") });
    } else if (cur === '[') {
      const opt: Element[] = [];
      active.push({ kind: 'optional', elements: opt });
      stack.push(opt);
      active = opt;
    } else if (cur === ']') {
      if (stack.length === 1) throw new Error('Pattern invalid as it contains ] without previous [');
      stack.pop();
      active = stack[stack.length - 1]!;
    } else if (cur === '{' || cur === '}' || cur === '#') {
      throw new Error(`Pattern includes reserved character: '${cur}'`);
    } else active.push({ kind: 'lit', text: cur });
  }
  const chain = (els: Element[]) => {
    chainAdjacent(els);
    for (const e of els) if (e.kind === 'optional') chain(e.elements);
  };
  chain(root);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, root);
  return root;
}

/** Which kind of value a field needs: a date, a time of day, or a zone. */
export function fieldKind(f: FieldName): 'date' | 'time' {
  switch (f) {
    case 'AmPmOfDay':
    case 'HourOfDay':
    case 'ClockHourOfDay':
    case 'HourOfAmPm':
    case 'ClockHourOfAmPm':
    case 'MinuteOfHour':
    case 'SecondOfMinute':
    case 'NanoOfSecond':
    case 'MilliOfDay':
    case 'NanoOfDay':
      return 'time';
    default:
      return 'date';
  }
}
