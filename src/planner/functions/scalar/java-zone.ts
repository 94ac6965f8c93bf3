// java.time's ZoneId.of, which every ksqlDB date/time function takes its zone through: 'Z', a
// ZoneOffset (±h, ±hh, ±hh:mm, ±hhmm, ±hh:mm:ss, ±hhmmss, at most 18 hours), UTC/GMT/UT alone or
// with an offset, or a tz database region ID, case-sensitively. ICU (which Node's Intl reads) is
// wider than Java's tz data: it takes any case and the three-letter IDs Java keeps only in
// ZoneId.SHORT_IDS ('PST', 'IST', ...), which ZoneId.of refuses.

export interface JavaZone {
  /** The ID as ZoneId.getId() gives it ('UTC+05:00' for 'UTC+5'). */
  readonly id: string;
  /** A fixed offset (ZoneOffset or an offset-prefixed ID), in seconds. */
  readonly fixed?: number;
  /** The offset from UTC at an instant, in seconds. */
  offsetAt(ms: number): number;
}

/** IDs of ZoneId.SHORT_IDS that are no tz database zone: ZoneId.of does not know them. */
const SHORT_ONLY = new Set([
  'ACT',
  'AET',
  'AGT',
  'ART',
  'AST',
  'BET',
  'BST',
  'CAT',
  'CNT',
  'CST',
  'CTT',
  'EAT',
  'ECT',
  'IET',
  'IST',
  'JST',
  'MIT',
  'NET',
  'NST',
  'PLT',
  'PNT',
  'PRT',
  'PST',
  'SST',
  'VST',
]);

const cache = new Map<string, JavaZone>();

function pad2(v: number): string {
  return String(v).padStart(2, '0');
}

/** ZoneOffset's ID: 'Z', '+05:00', '-08:30', '+01:02:03'. */
export function offsetId(seconds: number): string {
  if (seconds === 0) return 'Z';
  const a = Math.abs(seconds);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${seconds < 0 ? '-' : '+'}${pad2(h)}:${pad2(m)}${s ? `:${pad2(s)}` : ''}`;
}

/** ZoneOffset.of: the offset in seconds, or java.time's words. */
function parseOffset(text: string): number {
  const bad = () => new Error(`Invalid ID for ZoneOffset, invalid format: ${text}`);
  const sign = text[0];
  if (sign !== '+' && sign !== '-') throw bad();
  const body = text.slice(1);
  let h: number;
  let m = 0;
  let s = 0;
  const num = (t: string) => {
    if (!/^\d\d$/.test(t)) throw bad();
    return Number(t);
  };
  switch (body.length) {
    case 1:
      if (!/^\d$/.test(body)) throw bad();
      h = Number(body);
      break;
    case 2:
      h = num(body);
      break;
    case 4:
      h = num(body.slice(0, 2));
      m = num(body.slice(2));
      break;
    case 5:
      if (body[2] !== ':') throw bad();
      h = num(body.slice(0, 2));
      m = num(body.slice(3));
      break;
    case 6:
      h = num(body.slice(0, 2));
      m = num(body.slice(2, 4));
      s = num(body.slice(4));
      break;
    case 8:
      if (body[2] !== ':' || body[5] !== ':') throw bad();
      h = num(body.slice(0, 2));
      m = num(body.slice(3, 5));
      s = num(body.slice(6));
      break;
    default:
      throw bad();
  }
  if (h > 18) throw new Error(`Zone offset hours not in valid range: value ${sign === '-' ? -h : h} is not in the range -18 to 18`);
  if (m > 59) throw new Error(`Zone offset minutes not in valid range: value ${m} is not in the range -59 to 59`);
  if (s > 59) throw new Error(`Zone offset seconds not in valid range: value ${s} is not in the range -59 to 59`);
  const total = h * 3600 + m * 60 + s;
  if (total > 18 * 3600) throw new Error('Zone offset not in valid range: -18:00 to +18:00');
  return sign === '-' ? -total : total;
}

function fixedZone(id: string, seconds: number): JavaZone {
  return { id, fixed: seconds, offsetAt: () => seconds };
}

function regionZone(id: string): JavaZone {
  if (!/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(id)) throw new Error(`Invalid ID for region-based ZoneId, invalid format: ${id}`);
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone: id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
  } catch {
    throw new Error(`Unknown time-zone ID: ${id}`);
  }
  const resolved = f.resolvedOptions().timeZone;
  // Java's tz IDs are case-sensitive; ICU folds case. A canonical ID spelled in another case is not Java's.
  if (SHORT_ONLY.has(id) || (resolved !== id && resolved.toLowerCase() === id.toLowerCase()) || id !== id.trim()) throw new Error(`Unknown time-zone ID: ${id}`);
  if (/^(Etc\/)?(UTC|UCT|GMT0?|Zulu|Universal|Greenwich|GMT[+-]0)$/.test(id)) return fixedZone(id, 0);
  return {
    id,
    offsetAt(ms: number): number {
      const parts: Record<string, string> = {};
      for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const d = new Date(0);
      d.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
      d.setUTCHours(Number(parts.hour) % 24, Number(parts.minute), Number(parts.second), 0);
      return Math.round((d.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
    },
  };
}

/** ZoneId.of(id), or the exception's words. */
export function javaZone(id: string): JavaZone {
  const hit = cache.get(id);
  if (hit) return hit;
  let z: JavaZone;
  if (id === 'Z') z = fixedZone('Z', 0);
  else if (id.startsWith('+') || id.startsWith('-')) {
    const s = parseOffset(id);
    z = fixedZone(offsetId(s), s);
  } else if (id === 'UTC' || id === 'GMT' || id === 'UT') z = fixedZone(id, 0);
  else {
    const prefix = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
    if (prefix) {
      const s = parseOffset(prefix[2]!);
      z = fixedZone(s === 0 ? prefix[1]! : `${prefix[1]}${offsetId(s)}`, s);
    } else z = regionZone(id);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(id, z);
  return z;
}

/**
 * The instant of a local date-time (as UTC epoch ms) in a zone, as ZonedDateTime.ofLocal picks it:
 * in an overlap the earlier offset, in a gap the local time moved later by the gap's length.
 */
export function localToInstant(local: number, zone: JavaZone): number {
  if (zone.fixed !== undefined) return local - zone.fixed * 1000;
  const before = zone.offsetAt(local - 86_400_000) * 1000;
  const after = zone.offsetAt(local + 86_400_000) * 1000;
  const valid = (o: number) => zone.offsetAt(local - o) * 1000 === o;
  if (valid(before)) return local - before;
  if (valid(after)) return local - after;
  const at = zone.offsetAt(local) * 1000;
  if (valid(at)) return local - at;
  return local - before;
}
