// The shell without a terminal: statements from -f, -e or standard input, answers as a table,
// CSV or JSON lines on standard output, errors on standard error, and an exit status that says
// whether everything ran.

import type { LiveQuery, Outcome, ShellBackend, ShellColumn } from './backend.js';
import { asShellError } from './backend.js';
import { drawExplainTree } from './explain-tree.js';
import { cellText, jsonText, type CellColumn } from './format-value.js';
import { readScript, runScriptPath, scriptErrorLines, type Script } from './script-file.js';
import { renderTable } from './table-layout.js';

export type OutputFormat = 'table' | 'csv' | 'json';

export interface BatchOptions {
  readonly format: OutputFormat;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Table width; Infinity when writing to a file or pipe. */
  readonly width: number;
  /** Resolves when the user interrupts (SIGINT): a running push query stops, the run ends. */
  readonly interrupted?: Promise<void>;
}

function csvCell(v: unknown, column?: CellColumn): string {
  const t = cellText(v, column);
  if (t === undefined) return '';
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

class Printer {
  constructor(private readonly o: BatchOptions) {}

  header(columns: readonly ShellColumn[]): void {
    if (this.o.format === 'csv') this.o.out(`${columns.map((c) => csvCell(c.name)).join(',')}\n`);
  }

  rows(columns: readonly ShellColumn[], rows: readonly (readonly unknown[])[], withHeader: boolean): void {
    if (this.o.format === 'table') {
      if (rows.length || withHeader) this.o.out(`${renderTable({ columns, rows, width: this.o.width, nullMark: 'NULL' }).join('\n')}\n`);
      return;
    }
    if (withHeader) this.header(columns);
    for (const r of rows) {
      this.o.out(this.o.format === 'csv' ? `${r.map((v, i) => csvCell(v, columns[i])).join(',')}\n` : `{${columns.map((c, i) => `${JSON.stringify(c.name)}:${jsonText(r[i], c)}`).join(',')}}\n`);
    }
  }

  /** A title line: in tables only (CSV and JSON lines stay rows alone). */
  title(text: string): void {
    if (this.o.format === 'table') this.o.out(`${text}\n`);
  }

  note(text: string): void {
    if (this.o.format === 'json') this.o.out(`${JSON.stringify({ message: text })}\n`);
    else if (this.o.format === 'csv') this.o.err(`${text}\n`);
    else this.o.out(`${text}\n`);
  }

  outcome(o: Exclude<Outcome, { kind: 'live' }>): void {
    switch (o.kind) {
      case 'message':
        return this.note(o.message);
      case 'text':
        return this.note(o.text);
      case 'explain':
        return this.note([...o.header, ...drawExplainTree(o.lines), ...o.footer].join('\n'));
      case 'rows':
        if (o.title) this.title(o.title);
        return this.rows(o.columns, o.rows, true);
    }
  }
}

async function follow(q: LiveQuery, p: Printer, interrupted: Promise<void> | undefined): Promise<void> {
  let stop = false;
  void interrupted?.then(() => (stop = true));
  p.header(q.columns);
  let title: string | undefined;
  for (;;) {
    const rows = q.take();
    // PRINT's guessed formats, said before the rows and again when they narrow (as ksqlDB's PRINT does).
    if (q.title !== undefined && q.title !== title) p.title((title = q.title));
    if (rows.length)
      p.rows(
        q.columns,
        rows.map((r) => r.values),
        false,
      );
    if (q.ended) return;
    if (stop) return q.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the statements in order and stops at the first error; returns the exit status. */
export async function runBatch(backend: ShellBackend, script: Script, o: BatchOptions): Promise<number> {
  const p = new Printer(o);
  for (const statement of script.statements) {
    try {
      const path = runScriptPath(statement.sql);
      if (path !== undefined) {
        const code = await runBatch(backend, readScript(path), o);
        if (code !== 0) return code;
        continue;
      }
      const outcome = await backend.run(statement.sql);
      if (outcome.kind === 'live') await follow(outcome.query, p, o.interrupted);
      else p.outcome(outcome);
    } catch (e) {
      const f = asShellError(e);
      o.err(`${scriptErrorLines(script, statement, f).join('\n')}\n`);
      return 1;
    }
  }
  return 0;
}
