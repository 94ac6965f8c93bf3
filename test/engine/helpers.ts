// Small helpers shared by the engine suites.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import type { StatementResult } from '../../src/runtime/results.js';
import type { Value } from '../../src/planner/values.js';
import { recordCodec } from '../../src/runtime/record-codec.js';

/** An in-memory Eddy driven by hand: one record per batch, earliest offsets. */
export function engine(maxRecords = 1): Eddy {
  return Eddy.open({ autoStart: false, batch: { maxRecords }, properties: { 'auto.offset.reset': 'earliest' } });
}

/**
 * Engines and scratch folders that live for one test: after each test of the suite that calls
 * this, its engines are closed and then its folders removed (closed first, so SQLite has let go of
 * its files). `use` returns the engine it was given, for `eddy = scratch.use(open(dir))`.
 */
export function perTest(prefix: string): { dir(): string; use(e: Eddy): Eddy } {
  const engines: Eddy[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    dir: () => {
      const d = mkdtempSync(join(tmpdir(), `eddy-${prefix}-`));
      dirs.push(d);
      return d;
    },
    use: (e) => {
      engines.push(e);
      return e;
    },
  };
}

export function rows(eddy: Eddy, sql: string): Value[][] {
  const r = eddy.execute(sql).at(-1) as StatementResult;
  if (r.kind !== 'rows') throw new Error(`expected rows from ${sql}, got ${r.kind}`);
  return r.rows as Value[][];
}

/** Records of a topic decoded through its source's formats: key (one column: bare), value object. */
export function topic(eddy: Eddy, name: string): { key: unknown; value: unknown; ts: number; window?: { start: number; end: number } }[] {
  const def = eddy.state.catalog.list().find((s) => s.topic === name);
  if (!def) throw new Error(`no source on topic ${name}`);
  const codec = recordCodec(def, eddy.state.registry);
  const keys = def.columns.filter((c) => c.role === 'key');
  const values = def.columns.filter((c) => c.role === 'value');
  return eddy.readTopic(name).map((r) => {
    const d = codec.decode(r);
    if (!d.rec) throw new Error(`undecodable record at ${r.offset}: ${d.error}`);
    const cols = d.rec.cols;
    const key = keys.length === 1 ? cols[0] : cols.slice(0, keys.length);
    const value = r.value === null ? null : Object.fromEntries(values.map((c, i) => [c.name, cols[keys.length + i]]));
    return { key, value, ts: r.timestamp, ...(r.window ? { window: r.window } : {}) };
  });
}

export function insert(eddy: Eddy, stream: string, cols: string, values: string, ts: number): void {
  eddy.execute(`INSERT INTO ${stream} (ROWTIME, ${cols}) VALUES (${ts}, ${values});`);
  eddy.runUntilIdle();
}

/** The message a statement is refused with; fails the test when it is accepted. */
export function refusalOf(eddy: Eddy, sql: string): string {
  try {
    eddy.execute(sql);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected a refusal of ${sql}`);
}
