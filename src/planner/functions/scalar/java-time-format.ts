// What ksqlDB's date/time functions do with java.time: DateTimeFormatter.ofPattern patterns
// printing a LocalDate, a LocalTime or a ZonedDateTime, parsing through ksqlDB's
// StringToTimestampParser, and zones through ZoneId.of.

import { compilePattern } from './java-date-pattern.js';
import { parseLocalDateText, parseLocalTimeText, parseTimestampText } from './java-date-parse.js';
import { printTemporal, ymd } from './java-date-print.js';
import { javaZone } from './java-zone.js';

const DAY_MS = 86_400_000;

/** Throws java.time's words when DateTimeFormatter.ofPattern would refuse the pattern. */
export function checkJavaPattern(pattern: string): void {
  compilePattern(pattern);
}

const two = (v: number) => String(v).padStart(2, '0');

function isoDate(epochDay: number): string {
  const { y, m, d } = ymd(epochDay);
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
}

function isoTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms % 1000;
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}${s % 60 || frac ? `:${two(s % 60)}` : ''}${frac ? `.${String(frac).padStart(3, '0')}` : ''}`;
}

/** Epoch milliseconds printed at a zone (ZonedDateTime.format). */
export function formatMillis(ms: number, pattern: string, zone = 'UTC'): string {
  const els = compilePattern(pattern);
  const z = javaZone(zone);
  const offset = z.offsetAt(ms);
  const local = ms + offset * 1000;
  const epochDay = Math.floor(local / DAY_MS);
  const msOfDay = local - epochDay * DAY_MS;
  return printTemporal(els, { epochDay, nanoOfDay: msOfDay * 1e6, zone: z, offset, text: `${isoDate(epochDay)}T${isoTime(msOfDay)}` });
}

/** Epoch days printed as a LocalDate: a time or zone field is an error. */
export function formatEpochDay(epochDay: number, pattern: string): string {
  return printTemporal(compilePattern(pattern), { epochDay, text: isoDate(epochDay) });
}

/** Milliseconds of the day printed as a LocalTime: a date or zone field is an error. */
export function formatTimeOfDay(ms: number, pattern: string): string {
  return printTemporal(compilePattern(pattern), { nanoOfDay: ms * 1e6, text: isoTime(ms) });
}

/** ksqlDB's StringToTimestampParser: text to epoch milliseconds, at the text's zone else `zone`. */
export function parseMillis(text: string, pattern: string, zone = 'UTC'): number {
  return parseTimestampText(compilePattern(pattern), text, zone);
}

/** LocalDate.parse: text to epoch days. */
export function parseEpochDay(text: string, pattern: string): number {
  return parseLocalDateText(compilePattern(pattern), text);
}

/** ksqlDB's PARSE_TIME: text to milliseconds of the day. */
export function parseTimeOfDay(text: string, pattern: string): number {
  return parseLocalTimeText(compilePattern(pattern), text);
}

/** TimeZone.getTimeZone(ZoneId.of(zone)).getOffset(ms), in milliseconds. */
export function zoneOffsetMs(zone: string, ms: number): number {
  return javaZone(zone).offsetAt(ms) * 1000;
}
