// Printing a date, a time of day or a zoned date-time through a compiled java.time pattern, as
// DateTimeFormatter.format does in the en-US locale: a field the value lacks (an hour of a DATE,
// a year of a TIME, a zone of either) is java.time's "Unsupported field" error, except inside an
// [optional] section, which then prints nothing. Week fields are the US ones (weeks start on
// Sunday, week 1 holds January 1st).

import type { Element, FieldName } from './java-date-pattern.js';
import { fieldKind } from './java-date-pattern.js';
import type { JavaZone } from './java-zone.js';

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** ISO order: Monday is 1. */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTERS_FULL = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

const DAY_MS = 86_400_000;

/** The value being printed: which parts it has. */
export interface Temporal {
  /** Days since 1970-01-01 (a DATE, or the local date of a zoned value). */
  readonly epochDay?: number;
  /** Nanoseconds since midnight (a TIME, or the local time of a zoned value). */
  readonly nanoOfDay?: number;
  readonly zone?: JavaZone;
  /** The zone's offset at the instant, in seconds. */
  readonly offset?: number;
  /** How java.time writes the value in a message ('2021-01-01', '10:15', ...). */
  readonly text: string;
}

export class Unsupported extends Error {}

export function ymd(epochDay: number): { y: number; m: number; d: number } {
  const dt = new Date(epochDay * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function epochDayOf(y: number, m: number, d: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return Math.round(dt.getTime() / DAY_MS);
}

const isoDow = (epochDay: number) => ((((epochDay + 3) % 7) + 7) % 7) + 1;
/** US day of week: Sunday is 1. */
export const usDow = (epochDay: number) => (isoDow(epochDay) % 7) + 1;
const week1Start = (y: number) => {
  const jan1 = epochDayOf(y, 1, 1);
  return jan1 - (usDow(jan1) - 1);
};

function weekBased(epochDay: number): { year: number; week: number } {
  const { y } = ymd(epochDay);
  const year = epochDay >= week1Start(y + 1) ? y + 1 : y;
  return { year, week: Math.floor((epochDay - week1Start(year)) / 7) + 1 };
}

/** A field's value in the temporal, or Unsupported. */
export function fieldValue(t: Temporal, f: FieldName): number {
  if (fieldKind(f) === 'time') {
    if (t.nanoOfDay === undefined) throw new Unsupported(`Unsupported field: ${f}`);
    const nod = t.nanoOfDay;
    const h = Math.floor(nod / 3_600_000_000_000);
    switch (f) {
      case 'AmPmOfDay':
        return h < 12 ? 0 : 1;
      case 'HourOfDay':
        return h;
      case 'ClockHourOfDay':
        return h === 0 ? 24 : h;
      case 'HourOfAmPm':
        return h % 12;
      case 'ClockHourOfAmPm':
        return h % 12 === 0 ? 12 : h % 12;
      case 'MinuteOfHour':
        return Math.floor(nod / 60_000_000_000) % 60;
      case 'SecondOfMinute':
        return Math.floor(nod / 1_000_000_000) % 60;
      case 'NanoOfSecond':
        return nod % 1_000_000_000;
      case 'MilliOfDay':
        return Math.floor(nod / 1_000_000);
      default:
        return nod;
    }
  }
  if (t.epochDay === undefined) throw new Unsupported(`Unsupported field: ${f}`);
  const ed = t.epochDay;
  const { y, m, d } = ymd(ed);
  switch (f) {
    case 'Era':
      return y >= 1 ? 1 : 0;
    case 'YearOfEra':
      return y >= 1 ? y : 1 - y;
    case 'Year':
      return y;
    case 'QuarterOfYear':
      return Math.floor((m - 1) / 3) + 1;
    case 'MonthOfYear':
      return m;
    case 'DayOfYear':
      return ed - epochDayOf(y, 1, 1) + 1;
    case 'DayOfMonth':
      return d;
    case 'AlignedDayOfWeekInMonth':
      return ((d - 1) % 7) + 1;
    case 'DayOfWeek':
      return isoDow(ed);
    case 'LocalizedDayOfWeek':
      return usDow(ed);
    case 'WeekBasedYear':
      return weekBased(ed).year;
    case 'WeekOfWeekBasedYear':
      return weekBased(ed).week;
    default: {
      // WeekOfMonth
      const first = epochDayOf(y, m, 1);
      return Math.floor((ed - (first - (usDow(first) - 1))) / 7) + 1;
    }
  }
}

function printNumber(e: Extract<Element, { kind: 'num' }>, v: number): string {
  if (e.sign === 'NOT_NEGATIVE' && v < 0) throw new Error(`Field ${e.field} cannot be printed as the value ${v} cannot be negative according to the SignStyle`);
  const digits = String(Math.abs(v));
  if (digits.length > e.max) throw new Error(`Field ${e.field} cannot be printed as the value ${v} exceeds the maximum print width of ${e.max}`);
  const body = digits.padStart(e.min, '0');
  if (v < 0) return `-${body}`;
  if (e.sign === 'EXCEEDS_PAD' && e.min < 19 && digits.length > e.min) return `+${body}`;
  return body;
}

function text(f: FieldName, v: number, style: 'SHORT' | 'FULL' | 'NARROW'): string {
  const pick = (full: string) => (style === 'FULL' ? full : style === 'NARROW' ? full[0]! : full.slice(0, 3));
  switch (f) {
    case 'MonthOfYear':
      return pick(MONTHS[v - 1]!);
    case 'DayOfWeek':
      return pick(WEEKDAYS[v - 1]!);
    case 'AmPmOfDay':
      return v === 0 ? 'AM' : 'PM';
    case 'Era':
      return style === 'FULL' ? (v === 1 ? 'Anno Domini' : 'Before Christ') : style === 'NARROW' ? (v === 1 ? 'A' : 'B') : v === 1 ? 'AD' : 'BC';
    case 'QuarterOfYear':
      return style === 'FULL' ? QUARTERS_FULL[v - 1]! : style === 'NARROW' ? String(v) : `Q${v}`;
    default:
      return String(v);
  }
}

const two = (v: number) => String(v).padStart(2, '0');

/** OffsetIdPrinterParser's output for a pattern ('+HH:MM', '+HHmm', ...). */
export function printOffset(total: number, pattern: string, noOffset: string): string {
  if (total === 0) return noOffset;
  const type = ['+HH', '+HHmm', '+HH:mm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss', '+HHMMSS', '+HH:MM:SS'].indexOf(pattern);
  const a = Math.abs(total);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  const colon = type % 2 === 0 ? ':' : '';
  let out = `${total < 0 ? '-' : '+'}${two(h)}`;
  let printed = h;
  if (type >= 3 || (type >= 1 && m > 0)) {
    out += colon + two(m);
    printed += m;
    if (type >= 7 || (type >= 5 && s > 0)) {
      out += colon + two(s);
      printed += s;
    }
  }
  return printed === 0 ? noOffset : out;
}

function localizedOffset(total: number, full: boolean): string {
  if (total === 0) return 'GMT';
  const a = Math.abs(total);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  const sign = total < 0 ? '-' : '+';
  if (full) return `GMT${sign}${two(h)}:${two(m)}${s ? `:${two(s)}` : ''}`;
  return `GMT${sign}${h}${m || s ? `:${two(m)}` : ''}${s ? `:${two(s)}` : ''}`;
}

/** Zone names java.time has for the IDs it keeps apart from the tz regions. */
const FIXED_NAMES: Record<string, [string, string]> = { UTC: ['UTC', 'Coordinated Universal Time'], GMT: ['GMT', 'Greenwich Mean Time'], UT: ['UT', 'UT'] };

function zoneText(t: Temporal, full: boolean, instantMs: number): string {
  const z = t.zone!;
  const fixed = FIXED_NAMES[z.id];
  if (fixed) return fixed[full ? 1 : 0];
  if (z.fixed !== undefined) return z.id;
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: z.id, timeZoneName: full ? 'long' : 'short' }).formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value;
    return name ?? z.id;
  } catch {
    return z.id;
  }
}

function printElements(els: readonly Element[], t: Temporal): string {
  let out = '';
  for (const e of els) {
    switch (e.kind) {
      case 'lit':
        out += e.text;
        break;
      case 'num':
        out += printNumber(e, fieldValue(t, e.field));
        break;
      case 'reduced':
        out += two(Math.abs(fieldValue(t, e.field) % 100));
        break;
      case 'fraction': {
        const nanos = fieldValue(t, 'NanoOfSecond');
        out += String(nanos).padStart(9, '0').slice(0, e.width);
        break;
      }
      case 'text':
        out += text(e.field, fieldValue(t, e.field), e.style);
        break;
      case 'offset':
      case 'localizedOffset':
        if (t.offset === undefined) throw new Unsupported('Unsupported field: OffsetSeconds');
        out += e.kind === 'offset' ? printOffset(t.offset, e.pattern, e.noOffset) : localizedOffset(t.offset, e.full);
        break;
      case 'zoneId':
      case 'zoneText':
        if (!t.zone) throw new Unsupported(`Unable to extract ZoneId from temporal ${t.text}`);
        out += e.kind === 'zoneId' ? t.zone.id : zoneText(t, e.full, (t.epochDay ?? 0) * DAY_MS + (t.nanoOfDay ?? 0) / 1e6 - (t.offset ?? 0) * 1000);
        break;
      case 'optional':
        try {
          out += printElements(e.elements, t);
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
        }
        break;
    }
  }
  return out;
}

/** DateTimeFormatter.format of the temporal. */
export function printTemporal(els: readonly Element[], t: Temporal): string {
  return printElements(els, t);
}
