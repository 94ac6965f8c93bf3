// kafkajs for a surface that runs its own Kafka clients beside the engine (the Kafka benchmark's
// reference loop and its read_committed checker): loaded only after the engine's mend of
// kafkajs's aborted-record filter (runtime/log/kafka/aborted-filter.ts), so that its
// read_committed consumers see what Eddy's do. Import kafkajs from here, never directly.
import './runtime/log/kafka/aborted-filter.js';

export { Kafka, logLevel } from 'kafkajs';
export type { Admin, Producer } from 'kafkajs';
