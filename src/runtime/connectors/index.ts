// Connector registry: `WITH (source='datagen' | 'file' | …)` picks one. A built-in connector is
// one file plus one line here; one of a user's is one file of theirs and a registerConnector call
// (exported by the package, docs/extending.md) before the engine that uses it opens, since the
// command log restarts its streams at open.

import type { SourceDef } from '../../planner/catalog.js';
import { BUILT_IN_SOURCES } from '../../planner/plan-ddl.js';
import type { Value } from '../../planner/values.js';
import type { ConnectorHost } from '../engine-context.js';
import { recordCodec } from '../record-codec.js';
import type { AppendRecord } from '../log/index.js';
import { appendValueRun, type ValueRun } from '../log/topic-log.js';
import type { Connector, ConnectorContext, ConnectorFactory, ConnectorRow } from './connector.js';
import { datagenConnector } from './datagen.js';
import { fileConnector } from './file-tail.js';
import { nexmarkConnector } from './nexmark.js';
import { socketConnector } from './socket.js';

const FACTORIES: Record<string, ConnectorFactory> = {
  datagen: datagenConnector,
  file: fileConnector,
  nexmark: nexmarkConnector,
  socket: socketConnector,
};

// The planner's list of built-in kinds (it hands a user connector every WITH setting) is this one.
const BUILT_IN: ReadonlySet<string> = BUILT_IN_SOURCES;
for (const k of Object.keys(FACTORIES)) if (!BUILT_IN.has(k)) throw new Error(`connector '${k}' is missing from BUILT_IN_SOURCES (plan-ddl.ts)`);

/** A user connector's kind, lower case; throws on a name that cannot be one (or a built-in's). */
export function connectorKind(kind: string): string {
  const k = kind.toLowerCase();
  if (!/^[a-z][a-z0-9_-]*$/.test(k)) throw new Error(`registerConnector: '${kind}' is not a connector name (letters, digits, _ and -, starting with a letter)`);
  if (BUILT_IN.has(k)) throw new Error(`registerConnector: '${k}' is a built-in connector`);
  return k;
}

/**
 * Make `WITH (source='<kind>', …)` start `factory` in every engine of this process that has no
 * connector of that kind of its own (Eddy.open({ connectors }) / eddy.registerConnector). The
 * statement's other WITH settings reach the factory by their upper-case names.
 */
export function registerConnector(kind: string, factory: ConnectorFactory): void {
  FACTORIES[connectorKind(kind)] = factory;
}

/** Whether `source='<kind>'` is one of Eddy's own connectors (the planner passes a user connector every WITH setting). */
export function isBuiltInConnector(kind: string): boolean {
  return BUILT_IN.has(kind.toLowerCase());
}

export function startConnector(engine: ConnectorHost, def: SourceDef): Connector | undefined {
  const kind = String(def.connector?.SOURCE ?? '').toLowerCase();
  // The engine's own connector of that kind first, then the process's.
  const factory = engine.connectors?.get(kind) ?? FACTORIES[kind];
  if (!factory) throw new Error(`Unknown source connector '${kind}'. Known: ${[...new Set([...Object.keys(FACTORIES), ...(engine.connectors?.keys() ?? [])])].join(', ')}`);
  const { db, log, processingLog } = engine.state;
  const codec = recordCodec(def, engine.state.registry);
  const key = `connector:${def.name}`;
  const getCp = db.prepare('SELECT value FROM settings WHERE name = ?');
  const setCp = db.prepare('INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const ctx: ConnectorContext = {
    source: def,
    append: (rows: readonly ConnectorRow[], checkpoint?: string) => {
      if (!rows.length && checkpoint === undefined) return;
      const encode = (r: ConnectorRow): AppendRecord =>
        r.value ? { timestamp: r.ts, key: codec.encodeKey(r.values), value: r.value } : codec.encode({ cols: r.values as Value[], ts: r.ts, partition: 0, offset: 0 });
      db.transaction(() => {
        if (rows.length) log.append(def.topic!, rows.map(encode));
        if (checkpoint !== undefined) setCp.run(key, checkpoint);
      })();
      engine.wake();
    },
    appendValues: (run: ValueRun, checkpoint?: string) => {
      if (!run.count && checkpoint === undefined) return;
      db.transaction(() => {
        appendValueRun(log, def.topic!, run);
        if (checkpoint !== undefined) setCp.run(key, checkpoint);
      })();
      engine.wake();
    },
    checkpoint: () => (getCp.get(key) as { value: string } | undefined)?.value,
    serve: (source) => log.serve(def.topic!, source),
    unserve: (source) => log.unserve(def.topic!, source),
    file: (path) => engine.access.file(path, `source='${kind}'`),
    connect: (host, port) => engine.access.connect(host, port, `source='${kind}'`),
    reject: (reason, position) => processingLog.write({ queryId: null, topic: def.topic ?? null, partition: null, offset: position ?? null, reason: `${kind} connector for ${def.name}: ${reason}` }),
  };
  const c = factory(ctx, def.connector ?? {});
  c.start();
  return c;
}
