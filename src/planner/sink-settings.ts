// WITH (sink='file'|'postgres'|'sqlite'|'webhook', …) on CREATE STREAM|TABLE … AS SELECT → the
// sink's definition, with every refusal of meaning: a missing setting, a table into an append-only
// file, a partition column that is not there, a secret that would land in the command log.

import type { Properties } from '../parser/ast.js';
import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import type { ColumnDef, ExternalSinkDef, FileSinkFormat } from './catalog.js';
import { propString } from './plan-ddl.js';

export const SINK_KINDS = ['discard', 'file', 'postgres', 'sqlite', 'webhook'] as const;

/** Settings each sink reads from WITH (besides SINK); any other WITH key is the topic's (formats, partitions…). */
const SETTINGS: Record<ExternalSinkDef['kind'], readonly string[]> = {
  file: ['PATH', 'FORMAT', 'PARTITION_COLUMN'],
  postgres: ['TABLE', 'HOST', 'PORT', 'DATABASE', 'USER', 'PASSWORD_ENV'],
  sqlite: ['PATH', 'TABLE'],
  webhook: ['URL', 'RETRIES'],
};

export interface SinkContext {
  readonly name: string;
  readonly kind: 'STREAM' | 'TABLE';
  readonly columns: readonly ColumnDef[];
  readonly at: { loc?: SqlErrorPosition };
}

/** The WITH keys a sink of this kind takes for itself (the topic's format rules skip them). */
export function sinkOwnKeys(kind: string | undefined): readonly string[] {
  return kind && kind in SETTINGS ? SETTINGS[kind as ExternalSinkDef['kind']] : [];
}

export function externalSink(kind: ExternalSinkDef['kind'], p: Properties, ctx: SinkContext): ExternalSinkDef {
  for (const secret of ['PASSWORD', 'PASS', 'SECRET', 'TOKEN']) {
    if (p.has(secret))
      throw new SqlError(
        `A sink takes no '${secret.toLowerCase()}' in WITH: statements are kept in the command log. Name an environment variable that holds it with password_env='VAR' (PostgreSQL also reads PGPASSWORD).`,
        p.get(secret)!,
      );
  }
  const need = (key: string): string => {
    const v = propString(p, key);
    if (v === undefined || v === '') throw new SqlError(`The ${kind} sink needs '${key.toLowerCase()}' in WITH.`, ctx.at);
    return v;
  };
  const optional = (key: string): Record<string, string> => {
    const v = propString(p, key);
    return v === undefined ? {} : { [camel(key)]: v };
  };
  switch (kind) {
    case 'file': {
      if (ctx.kind === 'TABLE')
        throw new SqlError(
          `The file sink appends rows (as Spark's file sink does in append mode): write a stream (CREATE STREAM … AS SELECT), or send a table to sink='postgres' or 'sqlite', which upsert by key.`,
          ctx.at,
        );
      const format = (propString(p, 'FORMAT') ?? 'JSON').toUpperCase();
      if (format !== 'JSON' && format !== 'CSV' && format !== 'PARQUET')
        throw new SqlError(`The file sink writes format 'JSON' (JSON lines), 'CSV' or 'PARQUET', not '${format}'.`, p.get('FORMAT') ?? ctx.at);
      const partitionBy = propString(p, 'PARTITION_COLUMN')?.toUpperCase();
      if (partitionBy !== undefined && !ctx.columns.some((c) => c.name === partitionBy))
        throw new SqlError(`The partition column '${partitionBy}' is not a column of ${ctx.name}.`, p.get('PARTITION_COLUMN')!);
      return { kind, path: need('PATH'), format: format as FileSinkFormat, ...(partitionBy ? { partitionBy } : {}) };
    }
    case 'postgres': {
      const port = propString(p, 'PORT');
      if (port !== undefined && !(Number.isInteger(Number(port)) && Number(port) > 0 && Number(port) < 65536)) throw new SqlError(`Invalid value for PORT: ${port}`, p.get('PORT')!);
      const table = propString(p, 'TABLE') ?? sqlName(ctx.name);
      return { kind, table, ...optional('HOST'), ...(port !== undefined ? { port: Number(port) } : {}), ...optional('DATABASE'), ...optional('USER'), ...optional('PASSWORD_ENV') };
    }
    case 'sqlite':
      return { kind, path: need('PATH'), table: propString(p, 'TABLE') ?? sqlName(ctx.name) };
    case 'webhook': {
      const url = need('URL');
      if (!/^https?:\/\//i.test(url)) throw new SqlError(`The webhook sink posts to an http:// or https:// URL, not '${url}'.`, p.get('URL')!);
      const retries = Number(propString(p, 'RETRIES') ?? 5);
      if (!Number.isInteger(retries) || retries < 0) throw new SqlError(`Invalid value for RETRIES: ${propString(p, 'RETRIES')}`, p.get('RETRIES')!);
      return { kind, url, retries };
    }
  }
}

/** A column or table name in the target: Eddy's upper-cased identifiers become lower case there (as unquoted SQL names fold), others stay as written. */
export function sqlName(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name.toLowerCase() : name;
}

function camel(key: string): string {
  return key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
