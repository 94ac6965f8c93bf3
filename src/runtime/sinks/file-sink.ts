// The file sink: each batch becomes one file per partition directory (`<dir>/<query>-<batch>.jsonl`,
// `.csv` or `.parquet`, under `<column>=<value>/` when partitioned), written under a temporary name, flushed
// to disk and renamed into place; then the batch's manifest entry (`_eddy_manifest/<query>/<batch>.json`,
// listing its files) is written the same way. The manifest entry is the commit, as Spark's file
// sink's metadata log is: a batch whose entry exists is skipped when it is delivered again, and a
// batch without one is written again under the same names (rename replaces), so a crash leaves no
// partial file (only temporary ones, removed on open) and no file twice.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SchemaElement } from 'hyparquet-writer';
import type { FileSinkFormat } from '../../planner/catalog.js';
import type { Value } from '../../planner/values.js';
import { faultPoint } from '../fault-point.js';
import { encodeParquet, parquetSchema } from './parquet-encode.js';
import type { SinkBatch, SinkShape, SinkWriter } from './sink-writer.js';
import { csvField, jsonText } from './sink-values.js';

export const MANIFEST_DIR = '_eddy_manifest';
const NULL_PARTITION = '__NULL__';
const FORMATS: Record<FileSinkFormat, { ext: string; label: string }> = {
  JSON: { ext: 'jsonl', label: 'JSON lines' },
  CSV: { ext: 'csv', label: 'CSV' },
  PARQUET: { ext: 'parquet', label: 'Parquet' },
};

export interface FileSinkSettings {
  readonly path: string;
  readonly format: FileSinkFormat;
  readonly partitionBy?: string;
}

export class FileSink implements SinkWriter {
  readonly guarantee = 'exactly-once';
  readonly target: string;
  private readonly manifest: string;
  private readonly partitionAt: number;
  private readonly ext: string;
  private readonly header: string;
  private readonly schema: SchemaElement[] | undefined;

  constructor(
    private readonly shape: SinkShape,
    private readonly owner: string,
    private readonly settings: FileSinkSettings,
  ) {
    this.target = `file ${settings.path} (${FORMATS[settings.format].label}${settings.partitionBy ? `, partitioned by ${settings.partitionBy}` : ''})`;
    this.manifest = join(settings.path, MANIFEST_DIR, owner);
    this.partitionAt = settings.partitionBy ? shape.columns.findIndex((c) => c.name === settings.partitionBy) : -1;
    this.ext = FORMATS[settings.format].ext;
    this.header = shape.columns.map((c) => csvField(c.name)).join(',') + '\n';
    this.schema = settings.format === 'PARQUET' ? parquetSchema(shape.columns) : undefined;
    mkdirSync(this.manifest, { recursive: true });
    removeTemporaries(settings.path);
  }

  write(batches: readonly SinkBatch[]): void {
    const dirs = new Set<string>();
    for (const b of batches) {
      const entry = join(this.manifest, `${pad(b.id)}.json`);
      if (existsSync(entry)) continue; // committed before a crash: the target has it
      const files: string[] = [];
      for (const [part, rows] of this.groups(b)) {
        const rel = join(part, `${this.owner}-${pad(b.id)}.${this.ext}`);
        writeDurably(join(this.settings.path, rel), this.encode(rows));
        faultPoint('file-sink.file-written');
        files.push(rel);
        dirs.add(dirname(join(this.settings.path, rel)));
      }
      // A crash here leaves the batch's files without its entry: redelivered, it is written again under the same names.
      faultPoint('file-sink.files-written');
      writeDurably(entry, JSON.stringify({ batch: b.id, files, rows: b.rows.length }) + '\n');
      // Committed in the target, still in Eddy's outbox: redelivered, the entry makes it a no-op.
      faultPoint('file-sink.committed');
    }
    // Renames are durable once their directories are (power loss; a killed process needs none of this).
    dirs.add(this.manifest);
    for (const d of dirs) syncDir(d);
  }

  close(): void {}

  private groups(b: SinkBatch): Map<string, (readonly Value[])[]> {
    const out = new Map<string, (readonly Value[])[]>();
    for (const r of b.rows) {
      const v = this.partitionAt >= 0 ? r.values[this.partitionAt] : undefined;
      const part = this.partitionAt < 0 ? '' : `${this.settings.partitionBy!.toLowerCase()}=${v === null || v === undefined ? NULL_PARTITION : encodeURIComponent(String(v))}`;
      let rows = out.get(part);
      if (!rows) out.set(part, (rows = []));
      rows.push(r.values);
    }
    return out;
  }

  private encode(rows: readonly (readonly Value[])[]): string | Uint8Array {
    const cols = this.shape.columns;
    if (this.schema) return encodeParquet(cols, this.schema, rows);
    if (this.settings.format === 'CSV') {
      let text = this.header;
      for (const r of rows) text += r.map(csvField).join(',') + '\n';
      return text;
    }
    const names = cols.map((c) => `${JSON.stringify(c.name)}:`);
    let text = '';
    for (const r of rows) text += `{${r.map((v, i) => names[i] + jsonText(v)).join(',')}}\n`;
    return text;
  }
}

function pad(id: number): string {
  return String(id).padStart(10, '0');
}

/** Write to `.<name>.tmp` beside the file, flush it to disk, rename it into place. */
function writeDurably(file: string, text: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${file.slice(dirname(file).length + 1)}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    if (typeof text === 'string') writeSync(fd, text);
    else for (let at = 0; at < text.length; ) at += writeSync(fd, text, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temporary files a crash left behind: never committed, never read. */
function removeTemporaries(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.startsWith('.') && e.name.endsWith('.tmp')) rmSync(join(e.parentPath, e.name), { force: true });
  }
}
