// Compaction of the DDL command log, so start-up replays what is in effect, not all of history.
// A command may go when its effect is gone and nothing kept needs it during replay:
//  - a source's definitions up to and including its DROP (and TERMINATEs of their queries);
//  - an INSERT INTO … SELECT together with the TERMINATE that stopped it;
//  - a definition superseded by a later CREATE OR REPLACE of the same name (the later one, replayed
//    alone, creates the source afresh, with the query id it was recorded with).
// In each case only if no kept command in between read the source: its replay must plan as it did.

import type { Statement } from '../parser/ast.js';

/** What one replayed command did, as the engine observed it. */
export interface CommandEffect {
  readonly seq: number;
  /** The source it created or replaced. */
  readonly defines?: string;
  readonly drops?: string;
  /** The query it started (CSAS/CTAS with `defines`, INSERT INTO without). */
  readonly starts?: string;
  /** The query it terminated (TERMINATE <id>; TERMINATE ALL is always kept). */
  readonly terminates?: string;
  /** The sources its query reads (and an INSERT's target). */
  readonly reads: readonly string[];
}

/** The seqs of the commands compaction can remove. */
export function removableCommands(log: readonly CommandEffect[]): Set<number> {
  const removed = new Set<number>();
  const readBetween = (name: string, from: number, to: number) => log.some((c) => c.seq > from && c.seq < to && !removed.has(c.seq) && c.reads.includes(name));

  const inserts = new Map<string, number>();
  for (const c of log) {
    if (c.starts && !c.defines) inserts.set(c.starts, c.seq);
    if (c.terminates && inserts.has(c.terminates)) {
      removed.add(inserts.get(c.terminates)!);
      removed.add(c.seq);
    }
  }

  // Backwards, so that what a later group read is judged after that group was itself removed.
  const defs = new Map<string, CommandEffect[]>();
  const groups: { name: string; members: CommandEffect[]; end: CommandEffect | undefined }[] = [];
  for (const c of log) {
    if (c.defines) defs.set(c.defines, [...(defs.get(c.defines) ?? []), c]);
    if (c.drops) {
      groups.push({ name: c.drops, members: defs.get(c.drops) ?? [], end: c });
      defs.delete(c.drops);
    }
  }
  for (const [name, members] of defs) groups.push({ name, members, end: undefined });
  for (const g of groups.reverse()) {
    // Superseded definitions: each only needs to have been unread until the next one.
    for (let i = g.members.length - 2; i >= 0; i--) {
      const m = g.members[i]!;
      if (!readBetween(g.name, m.seq, g.members[i + 1]!.seq)) removed.add(m.seq);
    }
    const first = g.members.find((m) => !removed.has(m.seq));
    if (!g.end || !first) continue;
    if (readBetween(g.name, first.seq, g.end.seq)) continue;
    for (const m of g.members) removed.add(m.seq);
    removed.add(g.end.seq);
    const queries = new Set(g.members.map((m) => m.starts).filter((q): q is string => q !== undefined));
    for (const c of log) if (c.terminates && queries.has(c.terminates) && c.seq > first.seq && c.seq < g.end.seq) removed.add(c.seq);
  }
  return removed;
}

/** A replayed statement's effect, from its AST, the query id it reported and what that query reads. */
export function commandEffect(seq: number, s: Statement, queryId: string | undefined, readsOf: (queryId: string) => readonly string[]): CommandEffect {
  const reads = queryId ? readsOf(queryId) : [];
  // TERMINATE matches ids in any case.
  const started = queryId?.toUpperCase();
  switch (s.kind) {
    case 'CreateSource':
      return { seq, defines: s.name, reads };
    case 'CreateAsSelect':
      return { seq, defines: s.name, ...(started ? { starts: started } : {}), reads };
    case 'InsertInto':
      return { seq, ...(started ? { starts: started } : {}), reads: [...reads, s.target] };
    case 'DropSource':
      return { seq, drops: s.name, reads };
    case 'Terminate':
      return { seq, ...(s.queryId.toUpperCase() === 'ALL' ? {} : { terminates: s.queryId.toUpperCase() }), reads };
    default:
      // Types and anything else: kept, and taken to read nothing.
      return { seq, reads };
  }
}
