// Independent readers of what the sinks wrote: python3's json, csv and sqlite3 modules read the
// files and the SQLite target, and pyarrow reads Parquet, so a file Eddy could not parse itself
// would still fail the tests.
import { execFileSync, spawnSync } from 'node:child_process';

const READER = String.raw`
import base64, csv, datetime, decimal, json, os, sys, sqlite3
root, kind = sys.argv[1], sys.argv[2]
exact = len(sys.argv) > 3 and sys.argv[3] == 'exact'
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def number(x):
    # One spelling per numeric value, exact (no double in between): 998877665544332211, 1.25, -0.01.
    d = x if isinstance(x, decimal.Decimal) else decimal.Decimal(repr(x) if isinstance(x, float) else x)
    return format(d.normalize(), 'f') if d != 0 else '0'

def canon(v):
    # Parquet values (pyarrow) and JSON-lines values in one form: numbers as exact text, TIMESTAMP
    # as ms since epoch, DATE as days, TIME as ms of the day, BYTES as base64, MAP as an object.
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float, decimal.Decimal)):
        return number(v)
    if isinstance(v, datetime.datetime):
        return number((v - EPOCH) // datetime.timedelta(milliseconds=1))
    if isinstance(v, datetime.date):
        return number((v - datetime.date(1970, 1, 1)).days)
    if isinstance(v, datetime.time):
        return number(((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000)
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    raise TypeError('unexpected value %r' % (v,))

schemas = {}
if kind == 'sqlite':
    db = sqlite3.connect(root)
    tables = [r[0] for r in db.execute("select name from sqlite_master where type='table' order by name")]
    print(json.dumps({t: sorted(list(r) for r in db.execute('select * from "%s"' % t)) for t in tables}))
    sys.exit()
files, rows, hidden = [], [], []
for d, dirs, names in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x != '_eddy_manifest')
    names = sorted(names)
    for n in names:
        rel = os.path.relpath(os.path.join(d, n), root)
        if n.startswith('.'):
            hidden.append(rel)
            continue
        files.append(rel)
        with open(os.path.join(d, n), newline='') as f:
            if n.endswith('.jsonl'):
                for line in f:
                    assert line.endswith('\n'), 'partial line in ' + rel
                    rows.append({k: canon(v) for k, v in json.loads(line, parse_float=decimal.Decimal).items()} if exact else json.loads(line))
            elif n.endswith('.parquet'):
                import pyarrow.parquet as pq
                t = pq.read_table(os.path.join(d, n), partitioning=None)
                schemas[rel] = {f.name: str(f.type) + ('' if f.nullable else ' not null') for f in t.schema}
                rows.extend({k: canon(v) for k, v in r.items()} for r in t.to_pylist(maps_as_pydicts='strict'))
            else:
                rows.extend(csv.DictReader(f))
manifest = []
mdir = os.path.join(root, '_eddy_manifest')
for d, _, names in os.walk(mdir):
    for n in names:
        if not n.startswith('.'):
            manifest.extend(json.load(open(os.path.join(d, n)))['files'])
print(json.dumps({'files': sorted(files), 'manifest': sorted(manifest), 'hidden': hidden, 'rows': rows, 'schemas': schemas}))
`;

export interface FileTarget {
  readonly files: string[];
  /** Every file the manifest lists (committed batches). */
  readonly manifest: string[];
  /** Temporary files left behind. */
  readonly hidden: string[];
  readonly rows: Record<string, unknown>[];
  /** Each Parquet file's schema as pyarrow reads it: column → type ('int64', 'decimal128(10, 2)', …). */
  readonly schemas: Record<string, Record<string, string>>;
}

/**
 * Every committed file's rows, in file order. `exact`: numbers as exact text, temporals as numbers
 * (the JSON-lines sink's values, and Parquet's, in one comparable form: see canon above).
 * Parquet rows always come in that form.
 */
export function readFiles(dir: string, exact = false): FileTarget {
  return JSON.parse(execFileSync('python3', ['-c', READER, dir, 'files', ...(exact ? ['exact'] : [])], { encoding: 'utf8', maxBuffer: 64 << 20 })) as FileTarget;
}

/**
 * Whether Parquet can be read back here. Without pyarrow a Parquet test skips on a developer's
 * machine and fails under CI=true (.ci/run installs it), so CI never passes without reading the files.
 */
export function parquetTestable(): boolean {
  if (process.env.CI === 'true') return true;
  return spawnSync('python3', ['-c', 'import pyarrow.parquet'], { stdio: 'ignore' }).status === 0;
}

export function readSqlite(path: string): Record<string, unknown[][]> {
  return JSON.parse(execFileSync('python3', ['-c', READER, path, 'sqlite'], { encoding: 'utf8' })) as Record<string, unknown[][]>;
}
