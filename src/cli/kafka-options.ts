// `--kafka host:port` for every command that opens an engine (server, shell): topics then live
// in that Kafka cluster. Instances with the same `--service-id` share persistent queries' work.

import type { Command } from 'commander';
import type { KafkaOptions } from '../engine-api.js';

export interface KafkaFlags {
  kafka?: string;
  serviceId?: string;
}

export function addKafkaOptions(cmd: Command): Command {
  return cmd
    .option('--kafka <brokers>', 'keep topics in Kafka (host:port[,host:port…]) instead of the embedded log')
    .option(
      '--service-id <id>',
      "with --kafka: instances with the same id share the catalog (a command topic) and the persistent queries' work (consumer groups); without it, one server on its own (group names start 'eddy-')",
    );
}

/** The engine options the flags ask for (spread into EddyOptions). */
export function kafkaFromFlags(flags: KafkaFlags): { kafka?: KafkaOptions } {
  return flags.kafka ? { kafka: { brokers: flags.kafka, ...(flags.serviceId ? { serviceId: flags.serviceId } : {}) } } : {};
}
