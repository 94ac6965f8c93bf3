// Eddy: the library everything else is built on. Open a data directory (or memory), execute
// SQL, iterate push queries, close. Internally: a catalog rebuilt from the DDL command log, one
// QueryTask per running query, and a trigger that runs a micro-batch cycle over all of them.

import type Database from 'better-sqlite3';
import { mkdirSync, readFileSync } from 'node:fs';
import { parse, parseType } from '../parser/index.js';
import type { Statement } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SourceDef } from '../planner/catalog.js';
import type { ErrorRoute } from '../planner/compile.js';
import { inputsOf, type QueryPlan } from '../planner/plan.js';
import { planStatement, type StatementPlan } from '../planner/plan-statement.js';
import { connectorKind, startConnector } from './connectors/index.js';
import type { ConnectorFactory } from './connectors/connector.js';
import { Checkpointer } from './checkpointer.js';
import { commandEffect, removableCommands, type CommandEffect } from './command-log.js';
import { openDatabase } from './database.js';
import type { Engine } from './engine-context.js';
import { DataDirLock } from './data-dir-lock.js';
import { faultPoint } from './fault-point.js';
import { EngineState, type BatchSettings } from './engine-state.js';
import { ExternalAccess, type AccessPolicy } from './external-access.js';
import { GeneratedTopics, SqliteLog, type AppendRecord, type LogRecord, type TopicLog } from './log/index.js';
import { KafkaLog, type KafkaOptions } from './log/kafka-log.js';
import { HttpSchemaRegistry, type HttpRegistryOptions } from './registry/http-registry.js';
import { RegistryUnavailableError, type SchemaRegistry } from './registry/schema-registry.js';
import type { ProcessingLogEntry } from './processing-log.js';
import { dropPullState } from './pull-store.js';
import type { PushQuery } from './push-query.js';
import type { QueryProgress } from './query-metrics.js';
import { queryViews, type QueryView } from './query-view.js';
import { retryBackoff } from './query-health.js';
import { pullOwner } from './pull-route.js';
import { encodeCommand, SharedCatalog, type SharedCommand } from './shared-catalog.js';
import { dropSinkState } from './sinks/index.js';
import { QueryTask } from './query-task.js';
import { OffsetStore } from './task/offset-store.js';
import { recordCodec } from './record-codec.js';
import type { StatementResult } from './results.js';
import { assertSchema, assertTopic } from './statements/assert.js';
import { createSource, createType, dropSource, dropType } from './statements/ddl.js';
import { copy, copyAsync, copyLoader, type CopyLoader, type CopyOptions } from './statements/copy.js';
import { recordFormats, schemaRules, type RecordFormats, type SchemaRules } from './record-formats-api.js';
import { deleteRows, insertValues, update } from './statements/dml.js';
import { newErrorRoute, persistentQuery, terminate } from './statements/persistent.js';
import { openPull, runPullQuery, startPushQuery, type PullCursor } from './statements/select.js';
import { statementContext } from './statements/context.js';
import { closeEngineFunctions, createFunction, dropFunction } from './statements/functions.js';
import { claimName } from '../planner/plan-function-statements.js';
import { rowChecker } from './row-values.js';
import type { AggregateSpec, FunctionSpec, ParamSpec, StateFunctionSpec, StateGroup, TableFunctionSpec } from './user-function-api.js';
import { foreachBatch, sinkTo, stopBatchCallbacks, type BatchRow, type ForeachBatchHandle, type ForeachBatchOptions } from './foreach-batch.js';
import { sourceFrom, type SourceFromHandle, type SourceFromOptions } from './iterable-source.js';
import { describe, explain, print, setProperty, show, unsetProperty } from './statements/show.js';

export interface EddyOptions {
  /** Directory for the SQLite file that holds everything; omit for an in-memory instance. */
  readonly dataDir?: string;
  readonly batch?: Partial<BatchSettings>;
  /** Run the micro-batch trigger automatically (default true). Tests drive `step()` themselves. */
  readonly autoStart?: boolean;
  /** Initial session properties (ksqlDB names, e.g. 'auto.offset.reset'). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Another log backend; default: the embedded log in the data directory. */
  readonly log?: (db: Database.Database) => TopicLog;
  /** Topics live in Kafka (`--kafka host:port`): sources read and sinks write real Kafka topics. */
  readonly kafka?: KafkaOptions;
  /**
   * Use an external Confluent-compatible schema registry (`--schema-registry URL`) instead of the
   * embedded one in the data directory: its URL, or the URL and the longest wait for an answer.
   */
  readonly schemaRegistry?: string | HttpRegistryOptions;
  /** Confine file access and outgoing connections (a server for network clients); omit for none. */
  readonly access?: AccessPolicy;
  /** Stop a pull query that runs longer than this with an error (a server sets it); omit for no limit. */
  readonly pullTimeoutMs?: number;
  /**
   * Register library user functions (registerFunction / registerAggregate) here: it runs before
   * the command log replays, so persistent queries that call them restart with them.
   */
  readonly functions?: (eddy: Eddy) => void;
  /**
   * This engine's own source connectors by kind (`WITH (source='<kind>')`), registered before the
   * command log replays (its streams restart with them); see registerConnector.
   */
  readonly connectors?: Readonly<Record<string, ConnectorFactory>>;
}

export class Eddy implements Engine {
  /** Record formats, for a client that writes or reads a topic itself (record-formats-api.ts). */
  static readonly formats: RecordFormats = recordFormats;
  /** The schema registry's rules, for a registry API in front of `schemaRegistry`. */
  static readonly schemaRules: SchemaRules = schemaRules;

  /**
   * @internal Everything this instance holds, for the runtime's statement handlers (through the
   * Engine interface) and the runtime's own tests. Surfaces read the engine through the methods
   * under "what is there" instead.
   */
  readonly state: EngineState;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;
  private polling = false;
  private readonly autoStart: boolean;
  private readonly checkpointer: Checkpointer | undefined;
  private externalAccess: ExternalAccess;
  /** Time budget of each pull query, if any. */
  pullTimeoutMs: number | undefined;
  /** Actions waiting for the catalog change under way to commit (see afterCommit). */
  private postCommit: (() => void)[] | undefined;
  private readonly ownConnectors = new Map<string, ConnectorFactory>();
  /** Kafka with a --service-id: DDL goes through the service's command topic (shared-catalog.ts). */
  private readonly shared: SharedCatalog | undefined;
  /** This server's address as the service's other servers reach it ('' when not told). */
  private advertised = '';
  /** The command topic offset of the command being applied, if one is. */
  private applying: number | undefined;

  private constructor(
    opts: EddyOptions,
    private readonly lock: DataDirLock | undefined,
  ) {
    this.externalAccess = opts.access ? ExternalAccess.confinedTo(opts.access) : ExternalAccess.unrestricted;
    this.pullTimeoutMs = opts.pullTimeoutMs;
    const db = openDatabase(opts.dataDir);
    this.checkpointer = opts.dataDir ? new Checkpointer(db) : undefined;
    const stored = opts.log ? opts.log(db) : opts.kafka ? new KafkaLog(db, opts.kafka) : new SqliteLog(db);
    const log = new GeneratedTopics(stored);
    const registry = opts.schemaRegistry !== undefined ? new HttpSchemaRegistry(typeof opts.schemaRegistry === 'string' ? { url: opts.schemaRegistry } : opts.schemaRegistry) : undefined;
    this.state = new EngineState(
      db,
      log,
      { maxRecords: opts.batch?.maxRecords ?? 10_000, intervalMs: opts.batch?.intervalMs ?? 100, ...(opts.batch?.maxMs ? { maxMs: opts.batch.maxMs } : {}) },
      registry,
    );
    for (const [k, v] of Object.entries(opts.properties ?? {})) this.state.properties.set(k, v);
    this.autoStart = opts.autoStart ?? true;
    this.state.wake = () => this.wake();
    this.shared = log.commands ? new SharedCatalog(log.commands, db) : undefined;
    // Library functions and connectors first: the persistent queries and streams the replay restarts may use them.
    for (const [kind, factory] of Object.entries(opts.connectors ?? {})) this.ownConnectors.set(connectorKind(kind), factory);
    opts.functions?.(this);
    try {
      this.replay();
      // Then what the service's other servers did since (all of it, for a server that is new).
      if (this.shared) this.shared.catchUp((o, c, raw) => void this.applyShared(o, c, raw, undefined), this.shared.topic.end());
    } catch (e) {
      this.state.registry.close?.();
      this.state.log.close();
      db.close();
      throw e;
    }
  }

  /** Throws DataDirInUseError when another process (or instance) has the data directory open. */
  static open(opts: EddyOptions = {}): Eddy {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    const lock = opts.dataDir ? DataDirLock.acquire(opts.dataDir) : undefined;
    try {
      return new Eddy(opts, lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /**
   * Scale-out: the address (`host:port`) clients reach this server at. The service's other
   * servers forward pull queries for the keys this server owns there (a server sets it once it
   * listens).
   */
  advertise(hostPort: string): void {
    this.advertised = hostPort;
    this.state.log.advertise(hostPort);
  }

  /** What statements may reach outside the engine (files, connections). */
  get access(): ExternalAccess {
    return this.externalAccess;
  }

  /** From now on, confine statements' files and connections to `policy` (a server does this). */
  confine(policy: AccessPolicy): void {
    this.externalAccess = ExternalAccess.confinedTo(policy);
  }

  // ------------------------------------------------------------------ user functions

  /**
   * A scalar user function (UDF), callable from SQL like a built-in and type-checked at planning
   * time: `eddy.registerFunction({ name: 'TWICE', params: [{ name: 'X', type: 'INT' }], returns: 'INT', fn: (x) => (x === null ? null : x * 2) })`.
   * It lives until close(); register it again after each open (it is code, not catalog).
   */
  registerFunction<const P extends readonly ParamSpec[], const R extends string>(spec: FunctionSpec<P, R>): void {
    this.assertOpen();
    const functions = this.state.catalog.functions;
    claimName(functions, spec.name, true);
    const params = spec.params.map((p) => ({ name: p.name.toUpperCase(), type: parseType(p.type) }));
    const fn = spec.fn as unknown as (...a: unknown[]) => unknown;
    functions.registerScalar({
      name: spec.name.toUpperCase(),
      params,
      returns: parseType(spec.returns),
      ...(spec.description ? { description: spec.description } : {}),
      nullInput: spec.nullInput ?? 'call',
      // Fixed arities call directly: a spread per record costs more than the function itself.
      call: spec.params.length === 1 ? (a) => fn(a[0]) : spec.params.length === 2 ? (a) => fn(a[0], a[1]) : (a) => fn(...a),
      origin: 'library',
    });
  }

  /** A user aggregate (UDAF); see AggregateSpec. Its state commits with each batch. */
  registerAggregate<const P extends readonly ParamSpec[], const R extends string, S>(spec: AggregateSpec<P, R, S>): void {
    this.assertOpen();
    const functions = this.state.catalog.functions;
    claimName(functions, spec.name, true);
    const untyped = spec as unknown as AggregateSpec<readonly ParamSpec[], string, unknown>;
    functions.registerAggregate({
      name: spec.name.toUpperCase(),
      params: spec.params.map((p) => ({ name: p.name.toUpperCase(), type: parseType(p.type) })),
      returns: parseType(spec.returns),
      ...(spec.description ? { description: spec.description } : {}),
      initialize: untyped.initialize,
      aggregate: (args, state) => untyped.aggregate(args as never, state),
      ...(untyped.merge ? { merge: untyped.merge } : {}),
      ...(untyped.map ? { map: untyped.map as (s: unknown) => unknown } : {}),
    });
  }

  /**
   * A user table function (UDTF); see TableFunctionSpec. `SELECT ID, SPLIT(TEXT) AS WORD FROM S`
   * gives one output row per value `fn` yields.
   */
  registerTableFunction<const P extends readonly ParamSpec[], const R extends string>(spec: TableFunctionSpec<P, R>): void {
    this.assertOpen();
    const functions = this.state.catalog.functions;
    claimName(functions, spec.name, true);
    const fn = spec.fn as unknown as (...a: unknown[]) => unknown;
    functions.registerTable({
      name: spec.name.toUpperCase(),
      params: spec.params.map((p) => ({ name: p.name.toUpperCase(), type: parseType(p.type) })),
      returns: parseType(spec.returns),
      ...(spec.description ? { description: spec.description } : {}),
      nullInput: spec.nullInput ?? 'call',
      call: (a) => fn(...a),
      origin: 'library',
    });
  }

  /** This engine's own connectors (Engine's view; registerConnector adds to them). */
  get connectors(): ReadonlyMap<string, ConnectorFactory> {
    return this.ownConnectors;
  }

  /**
   * Make `WITH (source='<kind>', …)` start `factory` in this engine only (another engine in the
   * process may have its own of that kind, or none). It takes precedence over the process-wide
   * registerConnector. Streams the command log restarts at open need it before: pass it in
   * Eddy.open({ connectors }) (or register it in the `functions` hook).
   */
  registerConnector(kind: string, factory: ConnectorFactory): void {
    this.assertOpen();
    this.ownConnectors.set(connectorKind(kind), factory);
  }

  /**
   * A per-key state function (Spark's flatMapGroupsWithState); see StateFunctionSpec.
   * `CREATE STREAM OUT AS SELECT K, F(V) AS R FROM S GROUP BY K` gives the rows it returns.
   */
  registerStateFunction<const P extends readonly ParamSpec[], const R extends string, S>(spec: StateFunctionSpec<P, R, S>): void {
    this.assertOpen();
    const functions = this.state.catalog.functions;
    claimName(functions, spec.name, true);
    const fn = spec.fn as unknown as (state: unknown, records: readonly unknown[], group: StateGroup) => unknown;
    functions.registerState({
      name: spec.name.toUpperCase(),
      params: spec.params.map((p) => ({ name: p.name.toUpperCase(), type: parseType(p.type) })),
      returns: parseType(spec.returns),
      state: parseType(spec.state),
      ...(spec.description ? { description: spec.description } : {}),
      call: (c) => fn(c.state, c.records, { key: c.key, timedOut: c.timedOut, streamTime: c.streamTime }),
      origin: 'library',
    });
  }

  // ------------------------------------------------------------------ statements

  /** Execute a script of `;`-separated statements, in order; stops at the first error (SqlError). */
  execute(sql: string): StatementResult[] {
    this.assertOpen();
    const parsed = parse(sql);
    const results: StatementResult[] = [];
    for (const p of parsed) results.push(this.executeStatement(p.statement, p.text));
    return results;
  }

  /**
   * COPY's rules for a surface that reads the data itself (pgwire's COPY … FROM STDIN): the
   * target's rows from lines, rejections logged, chunks written. Throws when the target does not
   * exist or the format cannot hold one of its columns.
   */
  copyLoader(target: string, format: 'CSV' | 'JSON', source: string): CopyLoader {
    this.assertOpen();
    const def = this.state.catalog.get(target);
    if (!def) throw new Error(`${target} does not exist.`);
    return copyLoader(this, def, format, source);
  }

  /**
   * Run one COPY statement in chunks (each its own transaction), reporting progress and giving
   * the event loop a turn between chunks; `signal` cancels after the chunk in hand.
   */
  copyAsync(sql: string, opts: CopyOptions = {}): Promise<StatementResult> {
    this.assertOpen();
    const parsed = parse(sql);
    const stmt = parsed[0]?.statement;
    if (parsed.length !== 1 || stmt?.kind !== 'Copy') throw new SqlError('copyAsync() takes exactly one COPY statement.');
    const { text } = parsed[0]!;
    let plan: StatementPlan;
    try {
      plan = this.plan(stmt, text);
    } catch (e) {
      // A refusal of the statement rejects the promise, as its load's failures do.
      return Promise.reject(e);
    }
    if (plan.kind !== 'Copy') throw new Error(`COPY planned as ${plan.kind}`);
    return copyAsync(this, plan, text, opts);
  }

  /**
   * A script's statements, to run one at a time: a pull query opens as a cursor whose rows come a
   * slice of work at a time, so a caller (the server) can give others a turn between slices and
   * between statements; anything else runs as execute() runs it.
   */
  script(sql: string): ScriptStep[] {
    return parse(sql).map((p) => {
      const s = p.statement;
      if (s.kind === 'Query' && !s.emit) {
        // Planned when opened: the statements before it in the script may create what it reads.
        const open = (): PullCursor => {
          const plan = this.plan(s, p.text);
          if (plan.kind !== 'PullQuery') throw new Error(`a pull query planned as ${plan.kind}`);
          return openPull(this, plan, p.text, this.pullTimeoutMs);
        };
        return { kind: 'pull', text: p.text, open, owner: () => pullOwner(this.state, s, this.advertised) };
      }
      return { kind: 'statement', run: () => this.executeStatement(s, p.text) };
    });
  }

  /** Start a push query and return it as an async iterable of rows. */
  query(sql: string): PushQuery {
    this.assertOpen();
    const parsed = parse(sql);
    if (parsed.length !== 1 || parsed[0]!.statement.kind !== 'Query') throw new SqlError('query() takes exactly one SELECT statement.');
    const stmt = parsed[0]!.statement;
    if (!stmt.emit) throw new SqlError('query() runs push queries: add EMIT CHANGES (or use execute() for a pull query).', stmt);
    const { text } = parsed[0]!;
    const plan = this.plan(stmt, text);
    if (plan.kind !== 'PushQuery') throw new Error(`a push query planned as ${plan.kind}`);
    return startPushQuery(this, plan, text);
  }

  /**
   * Plan one statement (planner/plan-statement.ts) against what this engine holds now, read-only:
   * every error of meaning is raised here, before anything changes.
   */
  private plan(s: Statement, text: string): StatementPlan {
    return planStatement(s, text, statementContext(this));
  }

  /** A statement: through the shared catalog when servers share one, else planned and its plan executed. */
  private executeStatement(s: Statement, text: string): StatementResult {
    if (this.shared && !this.state.replaying && this.applying === undefined && sharedStatement(s, this.state)) return this.throughCommandTopic(text);
    return this.executePlan(this.plan(s, text), text);
  }

  /**
   * Execute a plan: one executor per plan kind (runtime/statements/), none of which decides what
   * the statement means. A catalog change commits as one transaction (catalogChange).
   */
  private executePlan(plan: StatementPlan, text: string): StatementResult {
    switch (plan.kind) {
      case 'Nothing':
      case 'SinkExists':
        return { kind: 'message', statement: text, message: plan.message };
      case 'CreateSource':
        return this.catalogChange(() => createSource(this, plan, text));
      case 'PersistentQuery':
        return this.catalogChange(() => persistentQuery(this, plan));
      case 'InsertValues':
        return insertValues(this, plan, text);
      case 'PushQuery':
        return { kind: 'push', statement: text, query: startPushQuery(this, plan, text) };
      case 'PullQuery':
        return runPullQuery(this, plan, text);
      case 'DropSource':
        return this.catalogChange(() => dropSource(this, plan, text));
      case 'CreateType':
        return this.catalogChange(() => createType(this, plan, text));
      case 'DropType':
        return this.catalogChange(() => dropType(this, plan, text));
      case 'Show':
        return show(this, plan, text);
      case 'DescribeAll':
      case 'DescribeFunction':
      case 'DescribeQuery':
      case 'DescribeSource':
        return describe(this, plan, text);
      case 'ExplainRunning':
      case 'ExplainPlanned':
        return explain(this, plan, text);
      case 'TerminateAll':
      case 'TerminatePush':
      case 'TerminatePersistent':
        return this.catalogChange(() => terminate(this, plan, text));
      case 'Set':
        return setProperty(this, plan, text);
      case 'Unset':
        return unsetProperty(this, plan, text);
      case 'RunScript':
        return this.runScript(plan.statement, text);
      case 'Print':
        return print(this, plan, text);
      case 'Update':
        return update(this, plan, text);
      case 'Delete':
        return deleteRows(this, plan, text);
      case 'Copy':
        return copy(this, plan, text);
      case 'CreateFunction':
        return this.catalogChange(() => createFunction(this, plan, text));
      case 'DropFunction':
        return this.catalogChange(() => dropFunction(this, plan, text));
      case 'AssertTopic':
        return assertTopic(this, plan.statement, text);
      case 'AssertSchema':
        return assertSchema(this, plan.statement, text);
    }
  }

  /** RUN SCRIPT: the file's statements, each planned and executed in turn (one may create what the next reads). */
  private runScript(s: Extract<Statement, { kind: 'RunScript' }>, text: string): StatementResult {
    let body: string;
    try {
      body = readFileSync(this.access.file(s.path, 'RUN SCRIPT'), 'utf8');
    } catch (e) {
      throw new SqlError(`Cannot read script '${s.path}': ${(e as Error).message}`, s);
    }
    const results = this.execute(body);
    return { kind: 'message', statement: text, message: `Ran ${results.length} statement${results.length === 1 ? '' : 's'} from ${s.path}.` };
  }

  /**
   * A catalog change (DDL) commits its command-log entry together with the state, offsets and
   * topic rows it implies, in one transaction: a crash at any point leaves before or after it.
   */
  private catalogChange(change: () => StatementResult): StatementResult {
    if (this.state.replaying) return change();
    const outer = this.postCommit;
    const after: (() => void)[] = [];
    this.postCommit = after;
    let result: StatementResult;
    try {
      result = this.state.db.transaction(() => {
        const r = change();
        // A command of the shared catalog: its position commits with its effect.
        if (this.applying !== undefined) this.shared!.applied(this.applying + 1);
        faultPoint('ddl.before-commit');
        return r;
      })();
    } catch (e) {
      this.shared?.reload();
      throw e;
    } finally {
      this.postCommit = outer;
    }
    // Inside another change (a savepoint): its actions wait for the outer one to commit.
    if (outer) {
      outer.push(...after);
      return result;
    }
    faultPoint('ddl.after-commit');
    for (const action of after) {
      try {
        action();
      } catch (e) {
        // The change committed: it stands, and what did not follow it is reported.
        this.state.processingLog.write({ queryId: null, topic: null, partition: null, offset: null, reason: `after a committed catalog change: ${(e as Error).message}` });
      }
    }
    return result;
  }

  /**
   * A DDL statement of a shared catalog: fence the other writers, apply what they wrote, append
   * this statement and apply it as every server does; its result (or error) is the answer. An
   * append that another server's fenced is retried from the start, after that server's command.
   */
  private throughCommandTopic(text: string): StatementResult {
    const shared = this.shared!;
    for (let attempt = 1; ; attempt++) {
      const end = shared.topic.begin();
      shared.catchUp((o, c, raw) => void this.applyShared(o, c, raw, undefined), end);
      const cmd: SharedCommand = { sql: text, counter: this.state.queryCounter, properties: Object.fromEntries(this.state.properties) };
      let offset: number;
      try {
        offset = shared.topic.append([encodeCommand(cmd)]);
      } catch (e) {
        if (attempt < 3) continue;
        throw new SqlError(`Could not write the statement to the shared catalog (${shared.topic.name}): ${(e as Error).message}`);
      }
      let result: StatementResult | undefined;
      let failure: unknown;
      shared.catchUp((o, c, raw) => {
        const r = this.applyShared(o, c, raw, o === offset ? (e) => (failure = e) : undefined);
        if (o === offset) result = r;
      }, offset + 1);
      if (failure !== undefined) throw failure;
      if (!result) throw new SqlError(`The statement was written to the shared catalog at offset ${offset} but not read back.`);
      return result;
    }
  }

  /**
   * Apply one command of the shared catalog, under the properties and query counter it was
   * written with, recording its position in the same transaction (catalogChange). A command that
   * fails is logged (or handed to `failed`: the writer's own) and passed.
   */
  private applyShared(offset: number, cmd: SharedCommand | undefined, raw: string, failed: ((e: unknown) => void) | undefined): StatementResult | undefined {
    const { state } = this;
    const shared = this.shared!;
    const saved = new Map(state.properties);
    try {
      if (!cmd) throw new Error(`not a command: ${raw.slice(0, 200)}`);
      state.properties.clear();
      for (const [k, v] of Object.entries(cmd.properties)) state.properties.set(k, v);
      state.queryCounter = cmd.counter;
      this.applying = offset;
      let result: StatementResult | undefined;
      for (const p of parse(cmd.sql)) result = this.executeStatement(p.statement, p.text);
      return result;
    } catch (e) {
      shared.reload();
      if (failed) failed(e);
      else state.processingLog.write({ queryId: null, topic: shared.topic.name, partition: 0, offset, reason: `shared catalog command failed: ${(e as Error).message}` });
      return undefined;
    } finally {
      this.applying = undefined;
      state.properties.clear();
      for (const [k, v] of saved) state.properties.set(k, v);
      // Passed, failed or a statement that changed nothing: it is behind this server now.
      if (shared.next <= offset) state.db.transaction(() => shared.applied(offset + 1))();
    }
  }

  /** @internal see Engine.afterCommit. */
  afterCommit(action: () => void): void {
    if (this.postCommit) this.postCommit.push(action);
    else action();
  }

  /**
   * Rebuild catalog and queries from the command log (as ksqlDB replays its command topic). Replay
   * only rebuilds what is in memory: the storage already holds the outcome of every command, so
   * handlers skip their destructive steps (terminate's deletes, DROP's table and topic) while
   * `replaying`, and queries keep the ids they were given.
   */
  private replay(): void {
    const { db } = this.state;
    const rows = db.prepare('SELECT seq, sql, query_id FROM commands ORDER BY seq').all() as { seq: number; sql: string; query_id: string | null }[];
    const counter = db.prepare("SELECT value FROM settings WHERE name = 'query.counter'").pluck().get() as string | undefined;
    this.state.queryCounter = Number(counter ?? 0);
    const effects: CommandEffect[] = [];
    let failed = false;
    this.state.replaying = true;
    try {
      db.transaction(() => {
        for (const r of rows) {
          this.state.replayQueryId = r.query_id ?? undefined;
          try {
            for (const p of parse(r.sql)) {
              const result = this.executeStatement(p.statement, p.text);
              const queryId = result.kind === 'message' ? result.queryId : undefined;
              effects.push(commandEffect(r.seq, p.statement, queryId, (id) => this.state.queries.get(id)?.sources ?? []));
            }
          } catch (e) {
            // Without its external registry a CREATE that took its columns from there would be
            // left out of this run, and every query over it: refuse to start instead (the
            // transaction rolls back; nothing is lost, the next start replays it).
            if (e instanceof RegistryUnavailableError || (e as { cause?: unknown }).cause instanceof RegistryUnavailableError) {
              throw new Error(`Cannot start: replaying '${r.sql.trim()}' needs the schema registry. ${(e as Error).message}`);
            }
            failed = true;
            this.state.processingLog.write({ queryId: null, topic: null, partition: null, offset: null, reason: `replay of '${r.sql}' failed: ${(e as Error).message}` });
          }
        }
      })();
    } finally {
      this.state.replaying = false;
      this.state.replayQueryId = undefined;
    }
    // A command that no longer replays leaves its effect unknown: compact only a clean history.
    if (!failed) this.compactCommands(removableCommands(effects));
  }

  /** Drop what replay showed to be out of effect (command-log.ts); the counter keeps ids unique. */
  private compactCommands(removed: ReadonlySet<number>): void {
    if (!removed.size) return;
    const { db } = this.state;
    const del = db.prepare('DELETE FROM commands WHERE seq = ?');
    db.transaction(() => {
      for (const seq of removed) del.run(seq);
      db.prepare("INSERT INTO settings(name, value) VALUES ('query.counter', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(String(this.state.queryCounter));
    })();
  }

  /** @internal statement handlers record catalog changes so a restart can replay them. */
  recordCommand(sql: string, queryId?: string): void {
    if (this.state.replaying) return;
    this.state.db.prepare('INSERT INTO commands(sql, query_id) VALUES (?, ?)').run(sql, queryId ?? null);
    faultPoint('ddl.recorded');
  }

  /** @internal */
  setProperty(name: string, value: string): void {
    this.state.properties.set(name, value);
  }

  // ------------------------------------------------------------------ queries

  /** @internal */
  startPersistent(plan: QueryPlan, errors: ErrorRoute, materialize: SourceDef | undefined): void {
    const { state } = this;
    const startAt = state.startAt();
    const restart = () => new QueryTask(plan, state.taskDeps(), { persistent: true, startAt, ...(materialize ? { materialize } : {}) });
    // Through the running task, so the entry names the record (topic, partition, offset) that failed.
    errors.sink = (m) => {
      const task = state.queries.get(plan.id)?.task;
      if (task) task.logError(m);
      else state.processingLog.write({ queryId: plan.id, topic: null, partition: null, offset: null, reason: m });
    };
    const sources = [...new Set(collectSources(plan))];
    state.queries.set(plan.id, {
      id: plan.id,
      sql: plan.sql,
      plan,
      task: restart(),
      restart,
      errors,
      ...(plan.sink.kind === 'Source' ? { sink: plan.sink.target.name } : {}),
      sources,
      internal: false,
    });
    this.ensureRunning();
  }

  /** @internal keep a changelog table's pull-query store current. */
  startMaterializer(def: SourceDef): void {
    const id = `MATERIALIZE_${def.name}`;
    const schema = { columns: def.columns, isTable: true, ...(def.windowed ? { windowed: def.windowed } : {}) };
    // Read as a plain changelog: a table view would keep every row in memory to know each change's
    // previous row, which the pull store does not need — it is itself the last row per key.
    const root = { kind: 'Source' as const, source: def, alias: def.name, schema: { ...schema, isTable: false } };
    const plan: QueryPlan = { id, sql: `(materialise ${def.name})`, root, sink: { kind: 'Source', target: def }, output: schema };
    const restart = () => new QueryTask(plan, this.state.taskDeps(), { persistent: true, startAt: 'earliest', materialize: def, writeSink: false });
    this.state.queries.set(id, { id, sql: plan.sql, plan, task: restart(), restart, errors: newErrorRoute(), sources: [def.name], internal: true });
    this.ensureRunning();
  }

  /** @internal */
  stopMaterializer(name: string): void {
    this.terminate(`MATERIALIZE_${name}`);
  }

  /** @internal */
  startConnector(def: SourceDef): void {
    const c = startConnector(this, def);
    // CREATE OR REPLACE: the new definition's connector takes over; the old one must let go.
    this.stopConnector(def.name);
    if (c) this.state.connectors.set(def.name, c);
    if (c?.poll) this.ensureRunning();
  }

  /** @internal */
  stopConnector(name: string): void {
    this.state.connectors.get(name)?.stop();
    this.state.connectors.delete(name);
  }

  /** @internal stop a query's task and forget it; its state and offsets stay (CREATE OR REPLACE resumes from them). */
  stopQuery(id: string): boolean {
    const q = this.state.queries.get(id);
    if (!q) return false;
    q.task.stop();
    this.state.queries.delete(id);
    return true;
  }

  /** @internal stop a query for good: its state and offsets go with it (on replay they are gone already). */
  terminate(id: string): void {
    if (!this.stopQuery(id) || this.state.replaying) return;
    faultPoint('terminate.stopped');
    this.state.db.prepare('DELETE FROM state WHERE owner = ?').run(id);
    faultPoint('terminate.state-deleted');
    dropPullState(this.state.db, id);
    faultPoint('terminate.pull-state-dropped');
    OffsetStore.drop(this.state.db, id);
    faultPoint('terminate.offsets-deleted');
    dropSinkState(this.state.db, id);
  }

  // ------------------------------------------------------------------ the micro-batch loop

  /** One micro-batch cycle: connectors that are polled append a chunk, then every running query runs a batch; returns the records appended and consumed. */
  step(): number {
    if (this.closed) return 0;
    // One deadline for the whole cycle: a slow query then holds the event loop (and every client
    // the server answers) for about the budget, not for its whole batch. Each batch still takes a
    // few records past it, so every query progresses.
    const budget = this.state.batch.maxMs;
    const deadline = budget ? performance.now() + budget : Infinity;
    // DDL the service's other servers ran.
    if (this.shared) {
      try {
        this.shared.catchUp((o, c, raw) => void this.applyShared(o, c, raw, undefined));
      } catch (e) {
        this.state.processingLog.write({ queryId: null, topic: this.shared.topic.name, partition: 0, offset: this.shared.next, reason: `reading the shared catalog: ${(e as Error).message}` });
      }
    }
    let n = this.pollConnectors();
    this.trackLatest();
    const max = this.state.batch.maxRecords;
    const backoff = retryBackoff(this.state.properties);
    for (const q of [...this.state.queries.values()]) n += this.state.supervisor.step(q, max, backoff, deadline);
    for (const g of [...this.state.pushGroups]) {
      try {
        n += g.task.step(max, deadline);
      } catch (e) {
        // A push query's batch failed: it ends (as ksqlDB ends a failed push query), the others go on.
        for (const q of g.queries) {
          this.state.processingLog.write({ queryId: q.id, topic: null, partition: null, offset: null, reason: `push query failed and was closed: ${(e as Error).message}` });
          q.close();
        }
        continue;
      }
      if (g.task.isDone) for (const q of g.queries) q.close();
    }
    for (const t of [...this.state.prints.values()]) n += t.step(max);
    return n;
  }

  private pollConnectors(): number {
    let n = 0;
    this.polling = true;
    try {
      for (const [name, c] of [...this.state.connectors]) {
        if (!c.poll || this.readerBehind(name)) continue;
        try {
          n += c.poll();
        } catch (e) {
          this.state.processingLog.write({
            queryId: null,
            topic: this.state.catalog.get(name)?.topic ?? null,
            partition: null,
            offset: null,
            reason: `${c.kind} connector for ${name}: ${(e as Error).message}`,
          });
        }
      }
    } finally {
      this.polling = false;
    }
    return n;
  }

  /**
   * A polled source reads ahead of its slowest reader by at most two batches: its readers then take
   * records from the log's in-memory tail, not from SQLite (on q1 over a file, reads from SQLite were
   * 18 % of the time with the file read ahead freely); a source nothing reads is read at full speed.
   */
  private readerBehind(name: string): boolean {
    const topic = this.state.catalog.get(name)?.topic;
    if (!topic) return false;
    const bound = 2 * this.state.batch.maxRecords;
    for (const q of this.state.queries.values()) if (q.task.lagOf(topic) >= bound) return true;
    return false;
  }

  /**
   * Run cycles until every query has read what there is and every external sink (file, postgres,
   * sqlite, webhook) holds every committed batch; rejects after `timeoutMs` (a target that stays down).
   */
  async flushSinks(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.runUntilIdle();
      const busy = [...this.state.queries.values()].filter((q) => q.task.sink && (!q.task.sink.idle || q.task.lag() > 0));
      if (!busy.length) return;
      if (Date.now() > deadline) throw new Error(`sinks still delivering after ${timeoutMs} ms: ${busy.map((q) => `${q.id} (${q.task.sink!.position().error ?? 'pending'})`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Run cycles until no query has anything left to read (deterministic tests, the conformance runner). */
  runUntilIdle(maxCycles = 1_000_000): void {
    for (let i = 0; i < maxCycles; i++) if (this.step() === 0) return;
  }

  /** Remember, per stream, the offsets that arrived since the last cycle: that is its newest batch. */
  private trackLatest(): void {
    const { state } = this;
    for (const s of state.catalog.list('STREAM')) {
      if (!s.topic) continue;
      const info = state.log.describeTopic(s.topic);
      if (!info) continue;
      const ranges: { partition: number; from: number; to: number }[] = [];
      for (let p = 0; p < info.partitions; p++) {
        const key = `${s.topic}:${p}`;
        const end = state.log.endOffset(s.topic, p);
        const last = state.lastEnd.get(key) ?? 0;
        if (end > last) ranges.push({ partition: p, from: last, to: end });
        state.lastEnd.set(key, end);
      }
      if (ranges.length) state.latest.set(s.name, { topic: s.topic, ranges });
    }
  }

  /** @internal start the trigger if this instance runs itself. */
  ensureRunning(): void {
    if (this.autoStart && !this.running && !this.closed) this.start();
  }

  /** @internal new input arrived: run a cycle soon rather than at the next tick. */
  wake(): void {
    // Appends by polled connectors happen inside a cycle, which schedules the next itself.
    if (this.polling) return;
    if (this.running && this.timer === undefined) this.schedule(0);
  }

  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.running) return;
      let n = 0;
      try {
        n = this.step();
      } catch (e) {
        this.state.processingLog.write({ queryId: null, topic: null, partition: null, offset: null, reason: `batch cycle failed: ${(e as Error).stack ?? String(e)}` });
      }
      this.schedule(n > 0 ? 0 : this.state.batch.intervalMs);
    }, ms);
  }

  close(): void {
    if (this.closed) return;
    this.stop();
    for (const p of [...this.state.pushQueries.values()]) p.query.close();
    for (const t of [...this.state.prints.values()]) t.query.close();
    for (const c of this.state.connectors.values()) c.stop();
    stopBatchCallbacks(this);
    for (const q of this.state.queries.values()) q.task.stop();
    closeEngineFunctions(this, this.state.catalog.functions);
    this.closed = true;
    this.state.log.close();
    this.state.registry.close?.();
    this.state.db.close();
    this.checkpointer?.close();
    this.lock?.release();
  }

  /** True once close() has run. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** After close() the SQLite handle is gone: say so instead of letting it throw a TypeError. */
  private assertOpen(): void {
    if (this.closed) throw new Error('This Eddy instance is closed; open another with Eddy.open().');
  }

  // ------------------------------------------------------------------ data in and out

  /** Append raw records to a topic (tests, the conformance runner, connectors). */
  produce(topic: string, records: AppendRecord[], partitions = 1): void {
    this.assertOpen();
    const { log, db } = this.state;
    if (!log.hasTopic(topic)) log.createTopic(topic, partitions);
    db.transaction(() => log.append(topic, records))();
    this.wake();
  }

  /** Every record of a topic, partition by partition. */
  readTopic(topic: string): LogRecord[] {
    const { log } = this.state;
    const info = log.describeTopic(topic);
    if (!info) return [];
    const out: LogRecord[] = [];
    for (let p = 0; p < info.partitions; p++) {
      for (let off = 0; ; ) {
        const batch = log.read(topic, p, off, 10_000);
        if (!batch.length) break;
        out.push(...batch);
        off = batch[batch.length - 1]!.offset + 1;
      }
    }
    return out;
  }

  /**
   * Insert rows given as objects (column name → value, case-insensitive; ROWTIME the event time)
   * into a stream or table. Each value is checked against its column's type first: a value that
   * does not fit is an error naming the row and the column, and nothing of the call is written.
   */
  insert(source: string, rows: readonly Record<string, unknown>[]): void {
    this.assertOpen();
    const def = this.state.catalog.get(source);
    if (!def || !def.topic) throw new SqlError(`${source} is not a stream or changelog table.`);
    const codec = recordCodec(def, this.state.registry);
    const check = rowChecker(def);
    const now = Date.now();
    const records = rows.map((r, i) => {
      let row;
      try {
        row = check(r);
      } catch (e) {
        throw new SqlError(`Cannot insert into ${def.name}: row ${i + 1}, ${(e as Error).message}`);
      }
      return codec.encode({ cols: row.cols, ts: row.ts ?? now, partition: 0, offset: 0 });
    });
    this.produce(def.topic, records);
  }

  /**
   * Call `callback(batchId, rows)` for each batch of records the stream or table `name` (or the
   * sink of the persistent query of that id) receives, from its first record on. The batch id and
   * its rows are committed before the call and the position after the callback's promise
   * resolves: after a crash or a rejected callback the same id comes again with the same rows.
   */
  foreachBatch(name: string, callback: (batchId: number, rows: BatchRow[]) => unknown, opts?: ForeachBatchOptions): ForeachBatchHandle {
    this.assertOpen();
    return foreachBatch(this, name, callback, opts);
  }

  /** A sink to any async function: `write(rows)` for each batch, at least once (see foreachBatch). */
  sinkTo(name: string, write: (rows: BatchRow[]) => unknown, opts?: ForeachBatchOptions): ForeachBatchHandle {
    this.assertOpen();
    return sinkTo(this, name, write, opts);
  }

  /** Feed the stream `name` from any iterable or async iterable (a Node Readable too): see SourceFromOptions. */
  sourceFrom(name: string, input: AsyncIterable<unknown> | Iterable<unknown>, opts?: SourceFromOptions): SourceFromHandle {
    this.assertOpen();
    return sourceFrom(this, name, input, opts);
  }

  progress(queryId: string): QueryProgress | undefined {
    return (this.state.queries.get(queryId) ?? this.state.pushQueries.get(queryId))?.task.metrics.snapshot();
  }

  processingLog(limit = 100): ProcessingLogEntry[] {
    return this.state.processingLog.recent(limit);
  }

  /**
   * Logs an input the engine was handed and refused (a line of a COPY that a surface reads itself,
   * as pgwire's COPY FROM STDIN does), with where it came from, as the engine's own readers log theirs.
   */
  logRejectedInput(topic: string | null, offset: number | null, reason: string): void {
    this.state.processingLog.write({ queryId: null, topic, partition: null, offset, reason });
  }

  // ------------------------------------------------------------------ what is there (for the surfaces)
  // The shell, server, conformance runner and benchmarks read the engine through these, never
  // through `state`: each returns a definition or a view built on request.

  /** Every stream and table (in creation order), or those of one kind. */
  sources(kind?: 'STREAM' | 'TABLE'): SourceDef[] {
    return this.state.catalog.list(kind);
  }

  /** The stream or table of exactly this name. */
  source(name: string): SourceDef | undefined {
    return this.state.catalog.get(name);
  }

  /** The names SQL can call: built-in and user functions. */
  functionNames(): string[] {
    return this.state.catalog.functions.list().map((f) => f.name);
  }

  /**
   * The properties statements run with (ksqlDB names; SET and UNSET change them). A server keeps
   * each client's SETs apart by swapping them in around that client's statements.
   */
  get properties(): Map<string, string> {
    return this.state.properties;
  }

  /** The queries SHOW QUERIES lists, persistent then push, each as a view of the moment. */
  queries(): QueryView[] {
    return queryViews(this.state);
  }

  /** Every topic with its partitions' end offsets (the records appended to each). */
  topics(): TopicSummary[] {
    const { log } = this.state;
    return log.listTopics().map((t) => ({ name: t.name, partitions: t.partitions, endOffsets: Array.from({ length: t.partitions }, (_, p) => log.endOffset(t.name, p)) }));
  }

  /** The schema registry of the registry formats (AVRO, PROTOBUF, JSON_SR): embedded, or the external one. */
  get schemaRegistry(): SchemaRegistry {
    return this.state.registry;
  }
}

/** A topic and the end offset of each of its partitions. */
export interface TopicSummary {
  readonly name: string;
  readonly partitions: number;
  readonly endOffsets: readonly number[];
}

/** Statements that change the catalog go through a shared catalog; TERMINATE of this server's own push query does not. */
function sharedStatement(s: Statement, state: EngineState): boolean {
  switch (s.kind) {
    case 'CreateSource':
    case 'CreateAsSelect':
    case 'InsertInto':
    case 'DropSource':
    case 'CreateType':
    case 'DropType':
    case 'CreateFunction':
    case 'DropFunction':
      return true;
    case 'Terminate':
      return ![...state.pushQueries.keys()].some((k) => k.toUpperCase() === s.queryId.toUpperCase());
    default:
      return false;
  }
}

function collectSources(plan: QueryPlan): string[] {
  const out: string[] = [];
  const walk = (n: QueryPlan['root']): void => {
    if (n.kind === 'Source') out.push(n.source.name);
    else inputsOf(n).forEach(walk);
  };
  walk(plan.root);
  return out;
}

/** One statement of a script (see Eddy.script). */
export type ScriptStep =
  | {
      readonly kind: 'pull';
      readonly text: string;
      open(): PullCursor;
      /** Scale-out: the `host:port` of the server that owns the key this pull looks up, when that is another (pull-route.ts). */
      owner(): string | undefined;
    }
  | { readonly kind: 'statement'; run(): StatementResult };

export type { QueryView } from './query-view.js';
