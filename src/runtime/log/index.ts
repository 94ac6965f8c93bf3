export type { AppendRecord, ChannelOptions, LogRecord, PartitionPosition, PolledRecords, QueryChannel, StateChange, StateChangelog, TopicInfo, TopicLog } from './topic-log.js';
export { SqliteLog } from './sqlite-log.js';
export { murmur2, partitionFor } from './partitioner.js';
export { splitWindowedKey, windowedKeyBytes } from './windowed-key.js';
export { GeneratedTopics, type GeneratedTopic } from './generated-topics.js';
