// Parsing text through a compiled java.time pattern as ksqlDB's formatters do
// (DateTimeFormatterBuilder.parseCaseInsensitive().appendPattern(p), strict, SMART resolver), then
// resolving the fields as ksqlDB's StringToTimestampParser does: from 1970-01-01T00:00 in the
// zone (the text's, else the given one), each ChronoField the text gave is set in turn, largest
// unit first. The SMART resolver clamps a day past the month's end (2021-02-30 is 2021-02-28) but
// refuses a day 32, an hour 25 or a weekday that is not the date's; week-based fields (Y, w, W)
// and quarters resolve to no ChronoField, so ksqlDB ignores them.

import type { Element, FieldName } from './java-date-pattern.js';
import { epochDayOf, MONTHS, WEEKDAYS, ymd } from './java-date-print.js';
import { type JavaZone, javaZone, localToInstant } from './java-zone.js';

type Parsed = Map<FieldName, number>;

interface State {
  readonly text: string;
  fields: Parsed;
  zone?: JavaZone;
  offset?: number;
  errorAt: number;
}

const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000;

function digitsAt(text: string, pos: number, max: number): number {
  let n = 0;
  while (n < max && pos + n < text.length && text.charCodeAt(pos + n) >= 48 && text.charCodeAt(pos + n) <= 57) n++;
  return n;
}

function parseNumber(st: State, e: Extract<Element, { kind: 'num' }>, pos: number): number {
  const t = st.text;
  let p = pos;
  let negative = false;
  let positive = false;
  if (t[p] === '-' || t[p] === '+') {
    if (e.sign === 'NOT_NEGATIVE' || (t[p] === '+' && e.sign === 'NORMAL')) return -1;
    negative = t[p] === '-';
    positive = !negative;
    p++;
  }
  const max = e.max + e.subsequent;
  let len = digitsAt(t, p, max);
  if (e.subsequent > 0) len = Math.max(e.min, len - e.subsequent);
  if (len < e.min || digitsAt(t, p, len) < len) return -1;
  if (e.sign === 'EXCEEDS_PAD' && !negative) {
    if (positive && len <= e.min) return -1;
    if (!positive && len > e.min) return -1;
  }
  const v = Number(t.slice(p, p + len));
  return set(st, e.field, negative ? -v : v) ? p + len : -1;
}

/** Records a field; the same field twice with two values is java.time's conflict (a failure here). */
function set(st: State, f: FieldName, v: number): boolean {
  const old = st.fields.get(f);
  if (old !== undefined && old !== v) throw new Error(`Text '${st.text}' could not be parsed: Conflict found: ${f} ${old} differs from ${f} ${v}`);
  st.fields.set(f, v);
  return true;
}

function textCandidates(f: FieldName, style: string): [string, number][] {
  const pick = (full: string) => (style === 'FULL' ? full : style === 'NARROW' ? full[0]! : full.slice(0, 3));
  switch (f) {
    case 'MonthOfYear':
      return MONTHS.map((m, i) => [pick(m), i + 1]);
    case 'DayOfWeek':
      return WEEKDAYS.map((d, i) => [pick(d), i + 1]);
    case 'AmPmOfDay':
      return [
        ['AM', 0],
        ['PM', 1],
      ];
    case 'Era':
      return style === 'FULL'
        ? [
            ['Anno Domini', 1],
            ['Before Christ', 0],
          ]
        : style === 'NARROW'
          ? [
              ['A', 1],
              ['B', 0],
            ]
          : [
              ['AD', 1],
              ['BC', 0],
            ];
    default:
      return style === 'FULL'
        ? ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'].map((q, i) => [q, i + 1])
        : style === 'NARROW'
          ? [1, 2, 3, 4].map((q) => [String(q), q])
          : [1, 2, 3, 4].map((q) => [`Q${q}`, q]);
  }
}

function parseText(st: State, f: FieldName, style: string, pos: number): number {
  const rest = st.text.slice(pos).toLowerCase();
  const hits = textCandidates(f, style)
    .filter(([s]) => rest.startsWith(s.toLowerCase()))
    .sort((a, b) => b[0].length - a[0].length);
  if (!hits.length) return -1;
  set(st, f, hits[0]![1]);
  return pos + hits[0]![0].length;
}

function parseOffsetAt(st: State, pattern: string, noOffset: string, pos: number): number {
  const t = st.text;
  if (t.slice(pos, pos + noOffset.length).toLowerCase() === noOffset.toLowerCase() && !(noOffset !== 'Z' && /[0-9:]/.test(t[pos + noOffset.length] ?? ''))) {
    st.offset = 0;
    return pos + noOffset.length;
  }
  const sign = t[pos];
  if (sign !== '+' && sign !== '-') return -1;
  const type = ['+HH', '+HHmm', '+HH:mm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss', '+HHMMSS', '+HH:MM:SS'].indexOf(pattern);
  const colon = type % 2 === 0 && type > 0;
  let p = pos + 1;
  const two = (): number | undefined => {
    if (digitsAt(t, p, 2) < 2) return undefined;
    const v = Number(t.slice(p, p + 2));
    p += 2;
    return v;
  };
  const h = two();
  if (h === undefined) return -1;
  let m = 0;
  let s = 0;
  const part = (required: boolean): number | undefined | null => {
    const save = p;
    if (colon) {
      if (t[p] !== ':') return required ? null : undefined;
      p++;
    }
    const v = two();
    if (v === undefined) {
      p = save;
      return required ? null : undefined;
    }
    return v;
  };
  if (type >= 1) {
    const mm = part(type >= 3);
    if (mm === null) return -1;
    if (mm !== undefined) {
      m = mm;
      if (type >= 5) {
        const ss = part(type >= 7);
        if (ss === null) return -1;
        if (ss !== undefined) s = ss;
      }
    }
  }
  if (h > 18 || m > 59 || s > 59) return -1;
  st.offset = (sign === '-' ? -1 : 1) * (h * 3600 + m * 60 + s);
  return p;
}

function parseLocalizedOffset(st: State, pos: number): number {
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?/i.exec(st.text.slice(pos));
  if (!m) return -1;
  st.offset = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) : 0;
  return pos + m[0].length;
}

function parseZone(st: State, pos: number, names: boolean): number {
  const m = /^(?:[+-][0-9:]+|[A-Za-z][A-Za-z0-9~/._+:-]*)/.exec(st.text.slice(pos));
  if (!m) return -1;
  // The longest prefix that is a zone java.time knows.
  for (let len = m[0].length; len > 0; len--) {
    const id = m[0].slice(0, len);
    try {
      st.zone = javaZone(id);
      return pos + len;
    } catch {
      if (names) {
        try {
          const canonical = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
          st.zone = javaZone(canonical);
          return pos + len;
        } catch {
          // not a name either
        }
      }
    }
  }
  return -1;
}

function parseElements(st: State, els: readonly Element[], start: number): number {
  let pos = start;
  for (const e of els) {
    let next: number;
    switch (e.kind) {
      case 'lit': {
        const got = st.text.slice(pos, pos + e.text.length);
        next = got.toLowerCase() === e.text.toLowerCase() ? pos + e.text.length : -1;
        break;
      }
      case 'num':
        next = parseNumber(st, e, pos);
        break;
      case 'reduced': {
        if (digitsAt(st.text, pos, 2) < 2) next = -1;
        else {
          set(st, e.field, 2000 + Number(st.text.slice(pos, pos + 2)));
          next = pos + 2;
        }
        break;
      }
      case 'fraction': {
        if (digitsAt(st.text, pos, e.width) < e.width) next = -1;
        else {
          set(st, 'NanoOfSecond', Number(st.text.slice(pos, pos + e.width).padEnd(9, '0')));
          next = pos + e.width;
        }
        break;
      }
      case 'text':
        next = parseText(st, e.field, e.style, pos);
        break;
      case 'offset':
        next = parseOffsetAt(st, e.pattern, e.noOffset, pos);
        break;
      case 'localizedOffset':
        next = parseLocalizedOffset(st, pos);
        break;
      case 'zoneId':
        next = parseZone(st, pos, false);
        break;
      case 'zoneText':
        next = parseZone(st, pos, true);
        break;
      case 'optional': {
        const saved = { fields: new Map(st.fields), zone: st.zone, offset: st.offset };
        next = parseElements(st, e.elements, pos);
        if (next < 0) {
          st.fields = saved.fields;
          st.zone = saved.zone;
          st.offset = saved.offset;
          next = pos;
        }
        break;
      }
    }
    if (next < 0) {
      st.errorAt = Math.max(st.errorAt, pos);
      return -1;
    }
    pos = next;
  }
  return pos;
}

const RANGES: Partial<Record<FieldName, [number, number]>> = {
  MonthOfYear: [1, 12],
  DayOfMonth: [1, 31],
  DayOfYear: [1, 366],
  DayOfWeek: [1, 7],
  LocalizedDayOfWeek: [1, 7],
  AlignedDayOfWeekInMonth: [1, 7],
  QuarterOfYear: [1, 4],
  AmPmOfDay: [0, 1],
  HourOfDay: [0, 23],
  ClockHourOfDay: [1, 24],
  HourOfAmPm: [0, 11],
  ClockHourOfAmPm: [1, 12],
  MinuteOfHour: [0, 59],
  SecondOfMinute: [0, 59],
  MilliOfDay: [0, DAY_MS - 1],
  NanoOfDay: [0, DAY_MS * NS_PER_MS - 1],
  YearOfEra: [1, 999_999_999],
  Year: [-999_999_999, 999_999_999],
  Era: [0, 1],
};

function check(f: FieldName, v: number): number {
  const r = RANGES[f];
  if (r && (v < r[0] || v > r[1])) throw new Error(`Invalid value for ${f} (valid values ${r[0]} - ${r[1]}): ${v}`);
  return v;
}

/** The fields after the SMART resolver: a date and a time when they are whole, else what is left. */
interface Resolved {
  epochDay?: number;
  nanoOfDay?: number;
  fields: Parsed;
}

function resolve(text: string, p: Parsed): Resolved {
  const f = new Map(p);
  const take = (k: FieldName) => {
    const v = f.get(k);
    f.delete(k);
    return v;
  };
  // Time of day.
  const chd = take('ClockHourOfDay');
  if (chd !== undefined) f.set('HourOfDay', check('ClockHourOfDay', chd) === 24 ? 0 : chd);
  const cha = take('ClockHourOfAmPm');
  if (cha !== undefined) f.set('HourOfAmPm', check('ClockHourOfAmPm', cha) === 12 ? 0 : cha);
  if (f.has('AmPmOfDay') && f.has('HourOfAmPm')) f.set('HourOfDay', check('AmPmOfDay', take('AmPmOfDay')!) * 12 + check('HourOfAmPm', take('HourOfAmPm')!));
  const mod = take('MilliOfDay');
  if (mod !== undefined) {
    check('MilliOfDay', mod);
    f.set('HourOfDay', Math.floor(mod / 3_600_000));
    f.set('MinuteOfHour', Math.floor(mod / 60_000) % 60);
    f.set('SecondOfMinute', Math.floor(mod / 1000) % 60);
    f.set('NanoOfSecond', (mod % 1000) * NS_PER_MS);
  }
  const nod = take('NanoOfDay');
  if (nod !== undefined) {
    check('NanoOfDay', nod);
    f.set('HourOfDay', Math.floor(nod / 3.6e12));
    f.set('MinuteOfHour', Math.floor(nod / 6e10) % 60);
    f.set('SecondOfMinute', Math.floor(nod / 1e9) % 60);
    f.set('NanoOfSecond', nod % 1e9);
  }
  let nanoOfDay: number | undefined;
  let excessDays = 0;
  if (f.has('HourOfDay')) {
    let h = take('HourOfDay')!;
    const mi = take('MinuteOfHour');
    const s = mi === undefined ? undefined : take('SecondOfMinute');
    const ns = s === undefined ? undefined : take('NanoOfSecond');
    if (h === 24 && (mi ?? 0) === 0 && (s ?? 0) === 0 && (ns ?? 0) === 0) {
      h = 0;
      excessDays = 1;
    }
    check('HourOfDay', h);
    nanoOfDay = ((h * 60 + check('MinuteOfHour', mi ?? 0)) * 60 + check('SecondOfMinute', s ?? 0)) * 1e9 + (ns ?? 0);
  }
  // Date.
  const yoe = take('YearOfEra');
  if (yoe !== undefined) {
    check('YearOfEra', yoe);
    const era = take('Era');
    if (!f.has('Year')) f.set('Year', era === 0 ? 1 - yoe : yoe);
  }
  const ldow = take('LocalizedDayOfWeek');
  if (ldow !== undefined) set2(f, 'DayOfWeek', ((check('LocalizedDayOfWeek', ldow) - 1 + 6) % 7) + 1, text);
  let epochDay: number | undefined;
  const y = f.get('Year');
  if (y !== undefined && f.has('MonthOfYear') && f.has('DayOfMonth')) {
    const mo = check('MonthOfYear', take('MonthOfYear')!);
    let d = check('DayOfMonth', take('DayOfMonth')!);
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const len = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
    if (d > len) d = len;
    take('Year');
    epochDay = epochDayOf(y, mo, d);
  } else if (y !== undefined && f.has('DayOfYear')) {
    const doy = check('DayOfYear', take('DayOfYear')!);
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (doy === 366 && !leap) throw new Error(`Text '${text}' could not be parsed: Invalid date 'DayOfYear 366' as '${y}' is not a leap year`);
    take('Year');
    epochDay = epochDayOf(y, 1, 1) + doy - 1;
  }
  if (epochDay !== undefined) {
    epochDay += excessDays;
    const dow = take('DayOfWeek');
    const actual = ((((epochDay + 3) % 7) + 7) % 7) + 1;
    if (dow !== undefined && check('DayOfWeek', dow) !== actual) {
      throw new Error(`Text '${text}' could not be parsed: Conflict found: Field DayOfWeek ${actual} differs from DayOfWeek ${dow} derived from ${isoDate(epochDay)}`);
    }
    const adim = take('AlignedDayOfWeekInMonth');
    if (adim !== undefined && adim !== ((ymd(epochDay).d - 1) % 7) + 1) throw new Error(`Text '${text}' could not be parsed: Conflict found: AlignedDayOfWeekInMonth`);
  }
  // Fields no ChronoField stands for: ksqlDB's resolution loop never sees them.
  for (const k of ['WeekBasedYear', 'WeekOfWeekBasedYear', 'WeekOfMonth', 'QuarterOfYear'] as FieldName[]) {
    const v = take(k);
    if (v !== undefined && k === 'QuarterOfYear') check(k, v);
  }
  return { epochDay, nanoOfDay, fields: f };
}

function set2(f: Parsed, k: FieldName, v: number, text: string): void {
  const old = f.get(k);
  if (old !== undefined && old !== v) throw new Error(`Text '${text}' could not be parsed: Conflict found: Field ${k} ${old} differs from ${k} ${v}`);
  f.set(k, v);
}

function isoDate(epochDay: number): string {
  const { y, m, d } = ymd(epochDay);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

interface Outcome {
  resolved: Resolved;
  zone?: JavaZone;
  offset?: number;
}

/** DateTimeFormatter.parse: every character read, the fields resolved. */
function parseText2(els: readonly Element[], text: string): Outcome {
  const st: State = { text, fields: new Map(), errorAt: 0 };
  const end = parseElements(st, els, 0);
  if (end < 0) throw new Error(`Text '${text}' could not be parsed at index ${st.errorAt}`);
  if (end !== text.length) throw new Error(`Text '${text}' could not be parsed, unparsed text found at index ${end}`);
  return { resolved: resolve(text, st.fields), zone: st.zone, offset: st.offset };
}

const DATE_FIELDS: FieldName[] = ['Era', 'Year', 'MonthOfYear', 'DayOfWeek', 'AlignedDayOfWeekInMonth', 'DayOfMonth', 'DayOfYear'];

/** ksqlDB's StringToTimestampParser.parse: epoch milliseconds of the text in the zone. */
export function parseTimestampText(els: readonly Element[], text: string, zoneId: string): number {
  const { resolved, zone, offset } = parseText2(els, text);
  const z = zone ?? (offset !== undefined ? javaZone(offsetIdOf(offset)) : javaZone(zoneId));
  const r = resolved;
  let { y, m, d } = ymd(r.epochDay ?? 0);
  let epochDay = r.epochDay ?? 0;
  // Set each left-over field on 1970-01-01, largest unit first, as ZonedDateTime.with does.
  for (const k of DATE_FIELDS) {
    const v = r.fields.get(k);
    if (v === undefined) continue;
    switch (k) {
      case 'Era':
        if (v === 0 && y >= 1) y = 1 - y;
        break;
      case 'Year':
        y = check('Year', v);
        break;
      case 'MonthOfYear':
        m = check('MonthOfYear', v);
        break;
      case 'DayOfMonth':
        d = check('DayOfMonth', v);
        break;
      default:
        break;
    }
    const len = new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 1 : 0);
    if (k === 'DayOfMonth' && d > len) throw new Error(`Invalid date '${MONTHS[m - 1]!.toUpperCase()} ${d}'`);
    if (k !== 'DayOfMonth' && d > len) d = len;
    epochDay = epochDayOf(y, m, d);
    if (k === 'DayOfWeek') {
      epochDay += check('DayOfWeek', v) - (((((epochDay + 3) % 7) + 7) % 7) + 1);
      ({ y, m, d } = ymd(epochDay));
    } else if (k === 'AlignedDayOfWeekInMonth') {
      epochDay += check(k, v) - (((d - 1) % 7) + 1);
      ({ y, m, d } = ymd(epochDay));
    } else if (k === 'DayOfYear') {
      const doy = check('DayOfYear', v);
      if (doy === 366 && !r.fields.has('Year')) throw new Error('Leap day cannot be parsed without supplying the year field');
      epochDay = epochDayOf(y, 1, 1) + doy - 1;
      ({ y, m, d } = ymd(epochDay));
    }
  }
  let nod = r.nanoOfDay ?? 0;
  if (r.nanoOfDay === undefined) {
    let h = 0;
    const ampm = r.fields.get('AmPmOfDay');
    const hap = r.fields.get('HourOfAmPm');
    if (ampm !== undefined) h = check('AmPmOfDay', ampm) * 12 + (h % 12);
    if (hap !== undefined) h = Math.floor(h / 12) * 12 + check('HourOfAmPm', hap);
    const mi = check('MinuteOfHour', r.fields.get('MinuteOfHour') ?? 0);
    const s = check('SecondOfMinute', r.fields.get('SecondOfMinute') ?? 0);
    nod = ((h * 60 + mi) * 60 + s) * 1e9 + (r.fields.get('NanoOfSecond') ?? 0);
  } else if (r.fields.has('NanoOfSecond')) nod = nod - (nod % 1e9) + r.fields.get('NanoOfSecond')!;
  const local = epochDay * DAY_MS + Math.floor(nod / NS_PER_MS);
  return localToInstant(local, z);
}

function offsetIdOf(seconds: number): string {
  if (seconds === 0) return 'Z';
  const a = Math.abs(seconds);
  const two = (v: number) => String(v).padStart(2, '0');
  return `${seconds < 0 ? '-' : '+'}${two(Math.floor(a / 3600))}:${two(Math.floor((a % 3600) / 60))}${a % 60 ? `:${two(a % 60)}` : ''}`;
}

/** LocalDate.parse(text, formatter): epoch days; the text must give a whole date. */
export function parseLocalDateText(els: readonly Element[], text: string): number {
  const { resolved } = parseText2(els, text);
  if (resolved.epochDay === undefined) throw new Error(`Text '${text}' could not be parsed: Unable to obtain LocalDate from TemporalAccessor`);
  return resolved.epochDay;
}

/** ksqlDB's PARSE_TIME: a time of day (ms), refused when the text gives a date field. */
export function parseLocalTimeText(els: readonly Element[], text: string): number {
  const { resolved } = parseText2(els, text);
  if (resolved.epochDay !== undefined || DATE_FIELDS.some((k) => resolved.fields.has(k))) throw new Error('Time format contains date field.');
  if (resolved.nanoOfDay === undefined) throw new Error(`Unable to obtain LocalTime from TemporalAccessor: ${text}`);
  return Math.floor(resolved.nanoOfDay / NS_PER_MS);
}
