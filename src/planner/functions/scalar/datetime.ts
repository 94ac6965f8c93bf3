// Date and time functions. TIMESTAMP is epoch ms, DATE is epoch days, TIME is ms of day.

import { T } from '../../../parser/sql-type.js';
import { P, scalar } from '../define.js';
import type { ScalarFunction } from '../types.js';
import { formatEpochDay, formatMillis, formatTimeOfDay, parseEpochDay, parseMillis, parseTimeOfDay, zoneOffsetMs } from './java-time-format.js';
import { parseSimpleDate } from './simple-date-format.js';

const DAY = 86_400_000;
const n = (v: unknown) => v as number;
const s = (v: unknown) => v as string;

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  MILLISECONDS: 1,
  SECOND: 1000,
  SECONDS: 1000,
  MINUTE: 60_000,
  MINUTES: 60_000,
  HOUR: 3_600_000,
  HOURS: 3_600_000,
  DAY: DAY,
  DAYS: DAY,
};

function unitMs(u: unknown): number {
  const ms = UNIT_MS[String(u).toUpperCase()];
  if (ms === undefined) throw new Error(`Unknown time unit: ${String(u)}`);
  return ms;
}

/** ksqlDB's PARSE_DATE (FastDateFormat in GMT): the parsed instant must fall on a midnight. */
function parseDate(text: string, pattern: string): number {
  const ms = parseSimpleDate(text, pattern);
  if (ms % DAY !== 0) throw new Error('Date format contains time field.');
  return ms / DAY;
}

/**
 * DATEADD/DATESUB: TimeUnit.MILLISECONDS.toDays of the date's milliseconds moved by the interval —
 * a truncation toward zero, so before 1970 a part day moves the date forward.
 */
function shiftDate(epochDay: number, ms: number): number {
  return Math.trunc((epochDay * DAY + ms) / DAY) + 0; // + 0: no -0 day
}

/** Runs `f`; its error takes ksqlDB's words: the UDF's "Failed to …" sentence, then java.time's. */
function failing<R>(what: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

const two = (v: number) => String(v).padStart(2, '0');

/** java.sql.Timestamp.toString at UTC: yyyy-mm-dd hh:mm:ss.f (the fraction without trailing zeros). */
function sqlTimestampText(ms: number): string {
  const iso = new Date(ms).toISOString();
  const frac =
    String(((ms % 1000) + 1000) % 1000)
      .padStart(3, '0')
      .replace(/0+$/, '') || '0';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac}`;
}

const sqlDateText = (days: number) => new Date(days * DAY).toISOString().slice(0, 10);

/** LocalTime.toString: HH:mm, then :ss and a fraction only when not zero. */
function localTimeText(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const frac = ms % 1000;
  return `${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}${sec % 60 || frac ? `:${two(sec % 60)}` : ''}${frac ? `.${String(frac).padStart(3, '0')}` : ''}`;
}

const formatTs = (ms: number, pattern: string, zone: string) =>
  failing(`Failed to format timestamp ${sqlTimestampText(ms)} at timeZone '${zone}' with formatter '${pattern}'`, () => formatMillis(ms, pattern, zone));
const parseTs = (text: string, pattern: string, zone: string) =>
  failing(`Failed to parse timestamp '${text}' at timezone '${zone}' with formatter '${pattern}'`, () => parseMillis(text, pattern, zone));

export const datetimeFunctions: ScalarFunction[] = [
  scalar('UNIX_TIMESTAMP', 'datetime', 'Milliseconds since the epoch: now, or of a TIMESTAMP.', [
    { params: [], returns: T.BIGINT, fn: () => Date.now() },
    { params: [P.TIMESTAMP], returns: T.BIGINT, fn: (a) => n(a[0]) },
  ]),
  scalar('UNIX_DATE', 'datetime', 'Days since the epoch: today, or of a DATE.', [
    { params: [], returns: T.INTEGER, fn: () => Math.floor(Date.now() / DAY) },
    { params: [P.DATE], returns: T.INTEGER, fn: (a) => n(a[0]) },
  ]),
  scalar('TIMESTAMPTOSTRING', 'datetime', 'Epoch milliseconds formatted with a Java pattern, in a time zone (UTC by default).', [
    { params: [P.BIGINT, P.STRING], returns: T.STRING, fn: (a) => failing(`Failed to format timestamp ${n(a[0])} with formatter '${s(a[1])}'`, () => formatMillis(n(a[0]), s(a[1]))) },
    {
      params: [P.BIGINT, P.STRING, P.STRING],
      returns: T.STRING,
      fn: (a) => failing(`Failed to format timestamp ${n(a[0])} at timeZone '${s(a[2])}' with formatter '${s(a[1])}'`, () => formatMillis(n(a[0]), s(a[1]), s(a[2]))),
    },
  ]),
  scalar('STRINGTOTIMESTAMP', 'datetime', 'Text parsed with a Java pattern to epoch milliseconds, in a time zone (UTC by default).', [
    { params: [P.STRING, P.STRING], returns: T.BIGINT, fn: (a) => failing(`Failed to parse timestamp '${s(a[0])}' with formatter '${s(a[1])}'`, () => parseMillis(s(a[0]), s(a[1]))) },
    { params: [P.STRING, P.STRING, P.STRING], returns: T.BIGINT, fn: (a) => parseTs(s(a[0]), s(a[1]), s(a[2])) },
  ]),
  scalar('FORMAT_TIMESTAMP', 'datetime', 'A TIMESTAMP formatted with a Java pattern.', [
    { params: [P.TIMESTAMP, P.STRING], returns: T.STRING, fn: (a) => formatTs(n(a[0]), s(a[1]), 'GMT') },
    { params: [P.TIMESTAMP, P.STRING, P.STRING], returns: T.STRING, fn: (a) => formatTs(n(a[0]), s(a[1]), s(a[2])) },
  ]),
  scalar('PARSE_TIMESTAMP', 'datetime', 'Text parsed with a Java pattern to a TIMESTAMP.', [
    { params: [P.STRING, P.STRING], returns: T.TIMESTAMP, fn: (a) => parseTs(s(a[0]), s(a[1]), 'GMT') },
    { params: [P.STRING, P.STRING, P.STRING], returns: T.TIMESTAMP, fn: (a) => parseTs(s(a[0]), s(a[1]), s(a[2])) },
  ]),
  scalar('FORMAT_DATE', 'datetime', 'A DATE formatted with a Java pattern.', [
    { params: [P.DATE, P.STRING], returns: T.STRING, fn: (a) => failing(`Failed to format date ${sqlDateText(n(a[0]))} with formatter '${s(a[1])}'`, () => formatEpochDay(n(a[0]), s(a[1]))) },
  ]),
  scalar('PARSE_DATE', 'datetime', 'Text parsed with a Java pattern to a DATE (a time of day other than midnight is an error).', [
    { params: [P.STRING, P.STRING], returns: T.DATE, fn: (a) => failing(`Failed to parse date '${s(a[0])}' with formatter '${s(a[1])}'`, () => parseDate(s(a[0]), s(a[1]))) },
  ]),
  scalar('FORMAT_TIME', 'datetime', 'A TIME formatted with a Java pattern.', [
    { params: [P.TIME, P.STRING], returns: T.STRING, fn: (a) => failing(`Failed to format time ${localTimeText(n(a[0]))} with formatter '${s(a[1])}'`, () => formatTimeOfDay(n(a[0]), s(a[1]))) },
  ]),
  scalar('PARSE_TIME', 'datetime', 'Text parsed with a Java pattern to a TIME (a pattern with a date field is an error).', [
    { params: [P.STRING, P.STRING], returns: T.TIME, fn: (a) => failing(`Failed to parse time '${s(a[0])}' with formatter '${s(a[1])}'`, () => parseTimeOfDay(s(a[0]), s(a[1]))) },
  ]),
  scalar('DATETOSTRING', 'datetime', 'Epoch days formatted with a Java pattern.', [
    { params: [P.INT, P.STRING], returns: T.STRING, fn: (a) => failing(`Failed to format date ${n(a[0])} with formatter '${s(a[1])}'`, () => formatEpochDay(n(a[0]), s(a[1]))) },
  ]),
  scalar('STRINGTODATE', 'datetime', 'Text parsed with a Java pattern to epoch days.', [
    { params: [P.STRING, P.STRING], returns: T.INTEGER, fn: (a) => failing(`Failed to parse date '${s(a[0])}' with formatter '${s(a[1])}'`, () => parseEpochDay(s(a[0]), s(a[1]))) },
  ]),
  scalar('FROM_UNIXTIME', 'datetime', 'Epoch milliseconds as a TIMESTAMP.', [{ params: [P.BIGINT], returns: T.TIMESTAMP, fn: (a) => n(a[0]) }]),
  scalar('FROM_DAYS', 'datetime', 'Epoch days as a DATE.', [{ params: [P.INT], returns: T.DATE, fn: (a) => n(a[0]) }]),
  scalar('CONVERT_TZ', 'datetime', 'A TIMESTAMP moved from one time zone to another.', [
    { params: [P.TIMESTAMP, P.STRING, P.STRING], returns: T.TIMESTAMP, fn: (a) => failing('Invalid time zone', () => n(a[0]) + zoneOffsetMs(s(a[2]), n(a[0])) - zoneOffsetMs(s(a[1]), n(a[0]))) },
  ]),
  scalar('TIMESTAMPADD', 'datetime', 'A TIMESTAMP plus a number of units.', [{ params: [P.ANY, P.INT, P.TIMESTAMP], returns: T.TIMESTAMP, fn: (a) => n(a[2]) + n(a[1]) * unitMs(a[0]) }]),
  scalar('TIMESTAMPSUB', 'datetime', 'A TIMESTAMP minus a number of units.', [{ params: [P.ANY, P.INT, P.TIMESTAMP], returns: T.TIMESTAMP, fn: (a) => n(a[2]) - n(a[1]) * unitMs(a[0]) }]),
  scalar('DATEADD', 'datetime', 'A DATE plus a number of units (whole days).', [{ params: [P.ANY, P.INT, P.DATE], returns: T.DATE, fn: (a) => shiftDate(n(a[2]), n(a[1]) * unitMs(a[0])) }]),
  scalar('DATESUB', 'datetime', 'A DATE minus a number of units (whole days).', [{ params: [P.ANY, P.INT, P.DATE], returns: T.DATE, fn: (a) => shiftDate(n(a[2]), -n(a[1]) * unitMs(a[0])) }]),
  scalar('TIMEADD', 'datetime', 'A TIME plus a number of units, wrapping at midnight.', [
    { params: [P.ANY, P.INT, P.TIME], returns: T.TIME, fn: (a) => (((n(a[2]) + n(a[1]) * unitMs(a[0])) % DAY) + DAY) % DAY },
  ]),
  scalar('TIMESUB', 'datetime', 'A TIME minus a number of units, wrapping at midnight.', [
    { params: [P.ANY, P.INT, P.TIME], returns: T.TIME, fn: (a) => (((n(a[2]) - n(a[1]) * unitMs(a[0])) % DAY) + DAY) % DAY },
  ]),
];
