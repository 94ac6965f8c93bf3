// EXPLAIN ANALYZE: runs a query's plan once, in memory, over the input its sources hold now
// (from the earliest offset, in batches of the engine's size, in event-time order), with every
// operator's input instrumented; then draws the plan tree with rows in and time spent per
// operator. Nothing is written: no state, no sink, no offsets.

import { SINGLE_ROW_ENTRY, sourcesOf, type QueryPlan } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import { buildPipeline, type PipelineProbe } from '../build-pipeline.js';
import type { Engine } from '../engine-context.js';
import { explainHeader, explainLineOf, operatorsInOrder, treeLine, type ExplainLine } from '../explain.js';
import type { OperatorInfo } from '../operators/operator.js';
import { recordCodec } from '../record-codec.js';
import { memoryEnv } from './select.js';

interface OperatorStats {
  rows: number;
  ms: number;
}

/** Times each instrumented call exclusive of the instrumented calls nested inside it. */
function timingProbe(): { probe: PipelineProbe; stats: Map<OperatorInfo, OperatorStats> } {
  const stats = new Map<OperatorInfo, OperatorStats>();
  let nested = 0;
  const of = (n: OperatorInfo): OperatorStats => {
    let s = stats.get(n);
    if (!s) stats.set(n, (s = { rows: 0, ms: 0 }));
    return s;
  };
  const timed =
    <A extends unknown[]>(s: OperatorStats, fn: (...a: A) => void) =>
    (...a: A): void => {
      const t0 = performance.now();
      const outer = nested;
      nested = 0;
      fn(...a);
      const elapsed = performance.now() - t0;
      s.ms += elapsed - nested;
      nested = outer + elapsed;
    };
  return {
    stats,
    probe: {
      input: (node, fn) => {
        const s = of(node);
        const t = timed(s, fn);
        return (r: Rec) => {
          s.rows++;
          t(r);
        };
      },
      endBatch: (node, fn) => timed(of(node), fn),
    },
  };
}

function readInput(engine: Engine, plan: QueryPlan): { alias: string; rec: Rec }[] {
  const { log } = engine.state;
  const out: { alias: string; rec: Rec }[] = [];
  // A SELECT without FROM reads its one row of no columns.
  if (!sourcesOf(plan.root).length) out.push({ alias: SINGLE_ROW_ENTRY, rec: { cols: [], ts: 0, partition: 0, offset: 0 } });
  for (const node of sourcesOf(plan.root)) {
    const topic = node.source.topic;
    const info = topic ? log.describeTopic(topic) : undefined;
    if (!topic || !info) continue;
    const codec = recordCodec(node.source, engine.state.registry);
    for (let p = 0; p < info.partitions; p++) {
      for (let off = 0; ; ) {
        const batch = log.read(topic, p, off, 10_000);
        if (!batch.length) break;
        for (const raw of batch) {
          const d = codec.decode(raw);
          if (d.rec) out.push({ alias: node.alias, rec: d.rec });
        }
        off = batch[batch.length - 1]!.offset + 1;
      }
    }
  }
  // Stable: records of equal time keep their log order, as the micro-batch loop reads them.
  return out.sort((a, b) => a.rec.ts - b.rec.ts);
}

/** `pull`: the rows go to the caller, as a pull query's do, with no sink operator. */
export function explainAnalyze(engine: Engine, plan: QueryPlan, pull = false): { text: string; lines: ExplainLine[]; summary: string } {
  const decodeStarted = performance.now();
  const input = readInput(engine, plan);
  const decodeMs = performance.now() - decodeStarted;
  const { probe, stats } = timingProbe();
  let emitted = 0;
  const pipeline = buildPipeline(plan.root, () => emitted++, memoryEnv(engine), pull ? { probe } : { sink: plan.sink, probe });
  const size = engine.state.batch.maxRecords;
  const started = performance.now();
  let batches = 0;
  for (let i = 0; i < input.length; i += size) {
    for (const { alias, rec } of input.slice(i, i + size)) pipeline.entries.get(alias)!(rec);
    for (const f of pipeline.endBatch) f();
    batches++;
  }
  const runMs = performance.now() - started;
  const lines = operatorsInOrder(pipeline.tree).map(({ op, depth }) => {
    const s = stats.get(op) ?? { rows: 0, ms: 0 };
    return { ...explainLineOf(op, depth), analyze: { rowsIn: s.rows, ms: s.ms } };
  });
  const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
  const head = explainHeader(plan);
  const tree = lines.map((l) => `${treeLine(l)}  [rows in ${l.analyze.rowsIn}, ${fmt(l.analyze.ms)} ms]`);
  const summary = `Analyzed over ${input.length} input record${input.length === 1 ? '' : 's'} in ${batches} batch${batches === 1 ? '' : 'es'} of at most ${size}: read and decode ${fmt(decodeMs)} ms, operators ${fmt(runMs)} ms, ${emitted} output row${emitted === 1 ? '' : 's'}. Nothing was written.`;
  return { text: [...head, ...tree, summary].join('\n'), lines, summary };
}
