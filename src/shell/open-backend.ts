// Where the shell's statements go: an embedded Eddy on a data directory (the default, ./.eddy),
// in memory, or a server (--connect host:port). A new data directory gets a datagen stream so
// there is something live to query straight away.

import { Eddy, type HttpRegistryOptions, type KafkaOptions } from '../engine-api.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ShellBackend } from './backend.js';
import { EmbeddedBackend } from './embedded-backend.js';
import { RemoteBackend } from './remote-backend.js';
import type { ClientTlsOptions } from '../server/client.js';

export const DEFAULT_DATA_DIR = '.eddy';

export const DEMO_STREAM = `CREATE STREAM RIDES (RIDE_ID STRING KEY, REGION STRING, FARE DOUBLE)
  WITH (source='datagen', rate=5, keys=20, kafka_topic='rides', value_format='JSON');`;

export interface BackendChoice {
  readonly connect?: string;
  readonly token?: string;
  /** Speak TLS to the server (`--tls`, `--tls-ca FILE`). */
  readonly tls?: ClientTlsOptions;
  readonly dataDir?: string;
  readonly memory?: boolean;
  readonly batchIntervalMs?: number;
  /** Keep topics in Kafka instead of the embedded log (`--kafka`). */
  readonly kafka?: KafkaOptions;
  /** An external schema registry instead of the embedded one (`--schema-registry`). */
  readonly schemaRegistry?: HttpRegistryOptions;
  /** Create the demo stream in a new data directory (interactive sessions). */
  readonly demo?: boolean;
}

export interface OpenedBackend {
  readonly backend: ShellBackend;
  /** True when this run created the demo stream. */
  readonly createdDemo: boolean;
  /** The embedded engine (none over --connect): `eddy --ui` serves the console over it. */
  readonly eddy?: Eddy;
}

export async function openBackend(c: BackendChoice): Promise<OpenedBackend> {
  if (c.connect) {
    const m = /^(.*):(\d+)$/.exec(c.connect);
    if (!m) throw new Error(`--connect takes host:port, not '${c.connect}'`);
    return { backend: await RemoteBackend.connect(m[1] || '127.0.0.1', Number(m[2]), c.token, undefined, c.tls), createdDemo: false };
  }
  const dir = c.memory ? undefined : resolve(c.dataDir ?? DEFAULT_DATA_DIR);
  const fresh = dir !== undefined && !existsSync(dir);
  const eddy = Eddy.open({
    ...(dir ? { dataDir: dir } : {}),
    ...(c.kafka ? { kafka: c.kafka } : {}),
    ...(c.schemaRegistry ? { schemaRegistry: c.schemaRegistry } : {}),
    ...(c.batchIntervalMs !== undefined ? { batch: { intervalMs: c.batchIntervalMs } } : {}),
  });
  const createdDemo = !!c.demo && (fresh || (!dir && eddy.sources().length === 0));
  if (createdDemo) eddy.execute(DEMO_STREAM);
  return { backend: new EmbeddedBackend(eddy, dir ? `embedded, data in ${c.dataDir ?? DEFAULT_DATA_DIR}` : 'embedded, in memory'), createdDemo, eddy };
}
