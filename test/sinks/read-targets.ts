// Independent readers of what the sinks wrote: python3's json, csv and sqlite3 modules read the
// files and the SQLite target, so a file Eddy could not parse itself would still fail the tests.
import { execFileSync } from 'node:child_process';

const READER = String.raw`
import csv, json, os, sys, sqlite3
root, kind = sys.argv[1], sys.argv[2]
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
                    rows.append(json.loads(line))
            else:
                rows.extend(csv.DictReader(f))
manifest = []
mdir = os.path.join(root, '_eddy_manifest')
for d, _, names in os.walk(mdir):
    for n in names:
        if not n.startswith('.'):
            manifest.extend(json.load(open(os.path.join(d, n)))['files'])
print(json.dumps({'files': sorted(files), 'manifest': sorted(manifest), 'hidden': hidden, 'rows': rows}))
`;

export interface FileTarget {
  readonly files: string[];
  /** Every file the manifest lists (committed batches). */
  readonly manifest: string[];
  /** Temporary files left behind. */
  readonly hidden: string[];
  readonly rows: Record<string, unknown>[];
}

export function readFiles(dir: string): FileTarget {
  return JSON.parse(execFileSync('python3', ['-c', READER, dir, 'files'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as FileTarget;
}

export function readSqlite(path: string): Record<string, unknown[][]> {
  return JSON.parse(execFileSync('python3', ['-c', READER, path, 'sqlite'], { encoding: 'utf8' })) as Record<string, unknown[][]>;
}
