// ASSERT TOPIC / ASSERT SCHEMA: a statement that fails unless a topic (with the PARTITIONS and
// REPLICAS given) or a registry schema exists — or, with NOT EXISTS, does not. Messages are
// ksqlDB's (its AssertTopicExecutor / AssertSchemaExecutor and the CLI's success lines).
// ksqlDB retries until the TIMEOUT (default 1000 ms) passes; Eddy runs one statement at a time,
// so nothing can create or delete the topic while the check waits: it is checked once.

import type { AssertSchema, AssertTopic } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';

/** Eddy's topics have one replica each (a single node's log). */
const REPLICAS = 1;

export function assertTopic(engine: Engine, stmt: AssertTopic, text: string): StatementResult {
  const { log } = engine.state;
  const info = log.listTopics().find((t) => t.name === stmt.topic);
  if (!stmt.exists) {
    if (info) throw new SqlError(`Topic ${stmt.topic} exists`, stmt);
    return { kind: 'message', statement: text, message: `Topic ${stmt.topic} does not exist.` };
  }
  if (!info) throw new SqlError(`Topic ${stmt.topic} does not exist`, stmt);
  const errors: string[] = [];
  for (const [name, v] of stmt.properties) {
    const actual = name === 'PARTITIONS' ? info.partitions : name === 'REPLICAS' ? REPLICAS : undefined;
    if (actual === undefined) errors.push(`Cannot assert unknown topic property: ${name}`);
    // Only an integer literal can match, as ksqlDB compares the literal's value with the count.
    else if (!(typeof v.value === 'number' && /^-?[0-9]+$/.test(v.text) && v.value === actual)) {
      errors.push(`Mismatched configuration for topic ${stmt.topic}: For config ${name.toLowerCase()}, expected ${v.text} got ${actual}`);
    }
  }
  if (errors.length) throw new SqlError(errors.join('\n'), stmt);
  return { kind: 'message', statement: text, message: `Topic ${stmt.topic} exists.` };
}

export function assertSchema(engine: Engine, stmt: AssertSchema, text: string): StatementResult {
  const { registry } = engine.state;
  const { subject, id } = stmt;
  let found: boolean;
  if (subject !== undefined && id !== undefined) {
    // The subject must have a version with that id (the registry's subjects-by-id).
    found = registry.subjects().includes(subject) && registry.versions(subject).some((v) => registry.version(subject, v)?.id === id);
  } else if (id !== undefined) found = registry.byId(id) !== undefined;
  else found = registry.latest(subject!) !== undefined;
  const what = `Schema with${subject !== undefined ? ` subject name ${subject}` : ''}${id !== undefined ? ` id ${id}` : ''}`;
  if (stmt.exists && !found) throw new SqlError(`${what} does not exist`, stmt);
  if (!stmt.exists && found) throw new SqlError(`${what} exists`, stmt);
  const shown = `Schema with${subject !== undefined ? ` subject ${subject}` : ''}${id !== undefined ? ` id ${id}` : ''}`;
  return { kind: 'message', statement: text, message: `${shown} ${stmt.exists ? 'exists' : 'does not exist'}.` };
}
