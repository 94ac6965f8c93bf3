// Date/time functions as ksqlDB's UDF classes define them over java.time: DateTimeFormatter
// patterns (letters and counts, 'quotes', [optional] sections), what a DATE or a TIME can print,
// the SMART resolver's reading of parsed fields, ZoneId.of's zone IDs, and the arithmetic of
// DATEADD. An error in a function fails the row's value (NULL), as ksqlDB's processing log case.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, insert, rows } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

/** Evaluates expressions over a one-row table whose NS column is NULL. */
function evaluate(...exprs: string[]): Value[] {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, NS STRING);');
  eddy.execute('INSERT INTO ONE (ID) VALUES (1);');
  return rows(eddy, `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('printing: what each kind of value has', () => {
  it('a DATE has no time of day and a TIME no date: such a field fails the row, unless it is in an [optional] section', () => {
    expect(
      evaluate(
        "FORMAT_DATE(FROM_DAYS(19000), 'yyyy-MM-dd HH:mm')",
        "FORMAT_DATE(FROM_DAYS(19000), 'yyyy-MM-dd[ HH:mm]')",
        "DATETOSTRING(19000, 'dd/MM/yyyy a')",
        "FORMAT_TIME(PARSE_TIME('10:15', 'HH:mm'), 'yyyy HH:mm')",
        "FORMAT_TIME(PARSE_TIME('10:15', 'HH:mm'), 'hh:mm a[ yyyy]')",
        "FORMAT_DATE(FROM_DAYS(19000), 'yyyy-MM-dd X')",
      ),
    ).toEqual([null, '2022-01-08', null, null, '10:15 AM', null]);
  });

  it('takes every letter java.time has: quarters, US week fields, aligned day of week, era', () => {
    // 2021-12-31 is a Friday; the US week holding 2022-01-01 (a Saturday) is week 1 of 2022.
    expect(evaluate("FORMAT_DATE(FROM_DAYS(18992), 'QQQ|QQQQ|q|w|W|F|e|c|YYYY|G|GGGG|MMMMM|EEEEE')")).toEqual(['Q4|4th quarter|4|1|5|3|6|6|2022|AD|Anno Domini|D|F']);
  });

  it("refuses what DateTimeFormatter.ofPattern refuses: too many letters, a reserved character, an unopened ']'", () => {
    expect(
      evaluate(
        "FORMAT_DATE(FROM_DAYS(0), 'MMMMMM')",
        "FORMAT_DATE(FROM_DAYS(0), '{yyyy}')",
        "FORMAT_DATE(FROM_DAYS(0), 'yyyy]')",
        "FORMAT_DATE(FROM_DAYS(0), 'dd''')",
        "FORMAT_DATE(FROM_DAYS(0), 'ddd')",
      ),
    ).toEqual([null, null, null, null, null]);
  });

  it('writes a year past 9999 with its sign, as a padded field that overflows its width', () => {
    expect(evaluate("FORMAT_DATE(FROM_DAYS(3000000), 'yyyy-MM-dd')", "FORMAT_DATE(FROM_DAYS(3000000), 'yy')", "FORMAT_DATE(FROM_DAYS(0), 'y|yyy|yyyyy')")).toEqual([
      '+10183-09-21',
      '83',
      '1970|1970|01970',
    ]);
  });

  it('writes offsets as each letter and count do: X gives Z for zero, x and Z digits, O and ZZZZ the GMT form', () => {
    expect(
      evaluate(
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'X|XXX|x|xxx|Z|ZZZZ|ZZZZZ|O', 'UTC')",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'X|XX|XXX|x|Z|ZZZZ|O|OOOO|VV|z', '+05:30')",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'HH:mm X VV', 'UTC-8')",
      ),
    ).toEqual(['Z|Z|+00|+00:00|+0000|GMT|Z|GMT', '+0530|+0530|+05:30|+0530|+0530|GMT+05:30|GMT+5:30|GMT+05:30|+05:30|+05:30', '16:00 -08 UTC-08:00']);
  });
});

describe('zones: ZoneId.of', () => {
  it("knows tz region IDs case-sensitively, and not the three-letter IDs only java.util.TimeZone has ('PST')", () => {
    expect(
      evaluate(
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'HH:mm', 'America/Los_Angeles')",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'HH:mm', 'america/los_angeles')",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'HH:mm', 'PST')",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'HH:mm', 'EST')",
        "TIMESTAMPTOSTRING(0, 'HH:mm', 'GMT+2')",
        "TIMESTAMPTOSTRING(0, 'HH:mm', '+19:00')",
        "CONVERT_TZ(FROM_UNIXTIME(0), 'UTC', 'IST')",
      ),
    ).toEqual(['16:00', null, null, '19:00', '02:00', null, null]);
  });

  it('CONVERT_TZ moves the instant by the difference of the two offsets at it', () => {
    expect(evaluate("CONVERT_TZ(FROM_UNIXTIME(0), 'UTC', 'Asia/Kolkata')", "CONVERT_TZ(FROM_UNIXTIME(0), 'Asia/Kolkata', '-03:00')")).toEqual([19_800_000, -30_600_000]);
  });

  it('a local time in a DST gap moves later by the gap; the text zone or offset wins over the argument', () => {
    expect(
      evaluate(
        "STRINGTOTIMESTAMP('2021-03-14 02:30', 'yyyy-MM-dd HH:mm', 'America/Los_Angeles')",
        "PARSE_TIMESTAMP('2021-01-01T10:00:00Z', 'yyyy-MM-dd''T''HH:mm:ssX', 'America/New_York')",
        "PARSE_TIMESTAMP('2021-01-01 10:00 America/New_York', 'yyyy-MM-dd HH:mm VV')",
      ),
    ).toEqual([utc('2021-03-14T10:30:00'), utc('2021-01-01T10:00:00'), utc('2021-01-01T15:00:00')]);
  });
});

describe('parsing: the SMART resolver and ksqlDB’s defaults', () => {
  it('clamps a day past the end of its month but refuses a day 32 and an hour 25', () => {
    expect(
      evaluate(
        "PARSE_TIMESTAMP('2021-02-30', 'yyyy-MM-dd')",
        "PARSE_TIMESTAMP('2021-04-31', 'yyyy-MM-dd')",
        "PARSE_TIMESTAMP('2021-02-32', 'yyyy-MM-dd')",
        "PARSE_TIMESTAMP('2021-02-03 25', 'yyyy-MM-dd HH')",
      ),
    ).toEqual([utc('2021-02-28T00:00:00'), utc('2021-04-30T00:00:00'), null, null]);
  });

  it('reads 24:00 as the next midnight and a clock hour 24 as midnight', () => {
    expect(
      evaluate("PARSE_TIMESTAMP('2021-01-01 24:00', 'yyyy-MM-dd HH:mm')", "PARSE_TIMESTAMP('2021-01-01 24:01', 'yyyy-MM-dd HH:mm')", "PARSE_TIMESTAMP('2021-01-01 24:00', 'yyyy-MM-dd kk:mm')"),
    ).toEqual([utc('2021-01-02T00:00:00'), null, utc('2021-01-01T00:00:00')]);
  });

  it('parses an [optional] section when the text has it and skips it when not', () => {
    expect(
      evaluate("PARSE_TIMESTAMP('2021-01-01', 'yyyy-MM-dd[ HH:mm]')", "PARSE_TIMESTAMP('2021-01-01 10:30', 'yyyy-MM-dd[ HH:mm]')", "PARSE_TIMESTAMP('2021-01-01 10', 'yyyy-MM-dd[ HH:mm]')"),
    ).toEqual([utc('2021-01-01T00:00:00'), utc('2021-01-01T10:30:00'), null]);
  });

  it('refuses a weekday that is not the date’s, and reads names in any case', () => {
    expect(evaluate("PARSE_TIMESTAMP('Mon, 04 Jan 2021', 'EEE, dd MMM yyyy')", "PARSE_TIMESTAMP('tue, 04 JAN 2021', 'EEE, dd MMM yyyy')", "PARSE_TIMESTAMP('JANUARY 5 2021', 'MMMM d yyyy')")).toEqual([
      utc('2021-01-04T00:00:00'),
      null,
      utc('2021-01-05T00:00:00'),
    ]);
  });

  it('a week-based year (YYYY) is no ChronoField, so ksqlDB’s resolution never sets it: the year stays 1970', () => {
    expect(evaluate("PARSE_TIMESTAMP('2021-03-04', 'YYYY-MM-dd')", "PARSE_TIMESTAMP('12/31 23:59', 'MM/dd HH:mm')")).toEqual([utc('1970-03-04T00:00:00'), utc('1970-12-31T23:59:00')]);
  });

  it('reads adjacent numbers by their widths (yyyyMMddHHmmssSSS)', () => {
    expect(evaluate("PARSE_TIMESTAMP('20210102030405678', 'yyyyMMddHHmmssSSS')")).toEqual([utc('2021-01-02T03:04:05.678')]);
  });

  it('STRINGTODATE reads the whole text as a LocalDate; PARSE_DATE (java.text) leaves trailing text and rolls a day over', () => {
    expect(
      evaluate(
        "STRINGTODATE('2021-01-05', 'yyyy-MM-dd')",
        "STRINGTODATE('2021-01-05 x', 'yyyy-MM-dd')",
        "STRINGTODATE('2021-01', 'yyyy-MM')",
        "PARSE_DATE('2021-01-05 x', 'yyyy-MM-dd')",
        "PARSE_DATE('2021-02-30', 'yyyy-MM-dd')",
      ),
    ).toEqual([18_632, null, null, 18_632, 18_688]);
  });

  it('PARSE_TIME needs an hour and refuses a date field', () => {
    expect(evaluate("PARSE_TIME('12:00 AM', 'hh:mm a')", "PARSE_TIME('10', 'mm')", "PARSE_TIME('2021 10:00', 'yyyy HH:mm')")).toEqual([0, null, null]);
  });
});

describe('DATEADD and DATESUB', () => {
  it('truncate the moved milliseconds to days toward zero, as TimeUnit.toDays does', () => {
    // DATE '1969-12-30' + 25 hours is -82,800,000 ms: 0 days, not -1.
    expect(evaluate('DATEADD(HOURS, 25, FROM_DAYS(-2))', 'DATESUB(HOURS, 1, FROM_DAYS(0))', 'DATEADD(HOURS, 47, FROM_DAYS(3))', 'DATEADD(DAYS, NULL, FROM_DAYS(3))')).toEqual([0, 0, 4, null]);
  });
});

describe('the processing log', () => {
  it("says why in ksqlDB's words: the UDF's 'Failed to …' sentence, then java.time's", () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (K INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM O AS SELECT K, PARSE_TIMESTAMP(V, 'yyyy-MM-dd') AS T, FORMAT_TIMESTAMP(FROM_UNIXTIME(1500), V, 'PST') AS F, CONVERT_TZ(FROM_UNIXTIME(0), 'UTC', V) AS C FROM S;");
    insert(eddy, 'S', 'K, V', "1, '2021-02-32'", 1);
    const reasons = eddy.processingLog().map((r) => r.reason);
    expect(reasons.some((r) => r.includes("Failed to parse timestamp '2021-02-32' at timezone 'GMT' with formatter 'yyyy-MM-dd': Invalid value for DayOfMonth"))).toBe(true);
    expect(reasons.some((r) => r.includes("Failed to format timestamp 1970-01-01 00:00:01.5 at timeZone 'PST' with formatter '2021-02-32': Unknown time-zone ID: PST"))).toBe(true);
    expect(reasons.some((r) => r.includes('Invalid time zone: Invalid ID for region-based ZoneId, invalid format: 2021-02-32'))).toBe(true);
  });
});
