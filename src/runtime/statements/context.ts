// The facts the planner decides a statement with (planner/statement-context.ts), read from this
// engine: its catalog and properties, running queries, topics, who sent the statement.

import type { StatementContext } from '../../planner/statement-context.js';
import type { Engine } from '../engine-context.js';
import { inferFromRegistry } from '../registry/source-schemas.js';

export function statementContext(engine: Engine): StatementContext {
  const { state, access } = engine;
  const { log } = state;
  // A statement's look at a topic: one another client just made counts (see KafkaLog.lookUpTopic).
  const topic = (name: string) => (log.lookUpTopic ? log.lookUpTopic(name) : log.describeTopic(name));
  return {
    catalog: state.catalog,
    properties: state.properties,
    queries: state.queries,
    schemaColumns: (req) => inferFromRegistry(state.registry, req),
    // A statement that ran before is replayed as it was (a refusal now would leave the server unable to start).
    ...(log.scaleOut && !state.replaying ? { scaleOut: { partitions: (name: string) => topic(name)?.partitions } } : {}),
    pushQueryIds: () => [...state.pushQueries.keys()],
    topic,
    topics: () => log.listTopics(),
    replaying: state.replaying,
    confined: access.confined,
    functionsAllowed: !!access.functions,
  };
}
