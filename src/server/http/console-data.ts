// GET /processing-log and GET /topics: two small JSON views the console polls, beside
// /queries/<id>/progress. The processing log's newest entries come from the engine's own list
// (which holds the entries a full disk kept from being saved, too), newest first; SELECT * FROM
// PROCESSING_LOG reads the same table, but a pull query has no ORDER BY. Topics carry what SHOW
// TOPICS prints (partitions, records), which ksqlDB's kafka_topics entity has no field for.

import type { Eddy, ProcessingLogEntry } from '../../engine-api.js';

export interface ProcessingLogView {
  readonly entries: readonly ProcessingLogEntry[];
}

export interface TopicsView {
  readonly topics: readonly { readonly name: string; readonly partitions: number; readonly records: number; readonly endOffsets: readonly number[] }[];
}

const MAX_ENTRIES = 1000;

/** The newest `limit` entries (at most 1000), of one query if `queryId` is given. */
export function processingLogView(eddy: Eddy, limit: number, queryId: string | undefined): ProcessingLogView {
  const n = Math.max(1, Math.min(MAX_ENTRIES, Number.isFinite(limit) ? Math.floor(limit) : 200));
  // A filter over the newest thousand: the panel shows recent trouble, not the whole history.
  const all = eddy.processingLog(queryId === undefined ? n : MAX_ENTRIES);
  const entries = queryId === undefined ? all : all.filter((e) => e.queryId !== null && e.queryId.toUpperCase() === queryId.toUpperCase()).slice(0, n);
  return { entries };
}

export function topicsView(eddy: Eddy): TopicsView {
  return {
    topics: eddy.topics().map((t) => ({ name: t.name, partitions: t.partitions, records: t.endOffsets.reduce((a, b) => a + b, 0), endOffsets: [...t.endOffsets] })),
  };
}
