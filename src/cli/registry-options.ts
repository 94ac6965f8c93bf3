// `--schema-registry URL` for every command that opens an engine (server, shell): the AVRO,
// PROTOBUF and JSON_SR formats then use that Confluent-compatible registry instead of the
// embedded one in the data directory.

import { Option, type Command } from 'commander';
import { DEFAULT_REGISTRY_TIMEOUT_MS, type HttpRegistryOptions } from '../engine-api.js';
import { milliseconds } from './option-values.js';

export interface RegistryFlags {
  schemaRegistry?: string;
  schemaRegistryTimeout?: number;
}

export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--schema-registry <url>', 'use this Confluent-compatible schema registry (http://[user:password@]host:port) instead of the embedded one')
    .addOption(new Option('--schema-registry-timeout <ms>', 'with --schema-registry: longest wait for one answer').argParser(milliseconds).default(DEFAULT_REGISTRY_TIMEOUT_MS));
}

/** The engine options the flags ask for (spread into EddyOptions). */
export function registryFromFlags(flags: RegistryFlags): { schemaRegistry?: HttpRegistryOptions } {
  return flags.schemaRegistry ? { schemaRegistry: { url: flags.schemaRegistry, ...(flags.schemaRegistryTimeout !== undefined ? { timeoutMs: flags.schemaRegistryTimeout } : {}) } } : {};
}
