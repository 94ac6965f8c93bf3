export type { AppendRecord, LogRecord, TopicInfo, TopicLog } from './topic-log.js';
export { SqliteLog } from './sqlite-log.js';
export { murmur2, partitionFor } from './partitioner.js';
