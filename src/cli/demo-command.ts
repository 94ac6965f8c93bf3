// `eddy demo`: runs the bundled example — a stream, a windowed count, and its results changing
// batch by batch — on an in-memory Eddy.

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Eddy, type StatementResult } from '../engine-api.js';

function print(r: StatementResult): void {
  if (r.kind === 'message') process.stdout.write(`${r.message}\n`);
  else if (r.kind === 'explain') process.stdout.write(`${r.text}\n`);
  else if (r.kind === 'rows') {
    process.stdout.write(`${r.columns.map((c) => c.name).join(' | ')}\n`);
    for (const row of r.rows) process.stdout.write(`${row.map((v) => JSON.stringify(v)).join(' | ')}\n`);
  }
}

export function registerDemoCommand(program: Command, isDefault: boolean): void {
  program
    .command('demo', { isDefault })
    .description('run the bundled example: a windowed count changing batch by batch')
    .action(async () => {
      const script = readFileSync(fileURLToPath(new URL('../../examples/quickstart.sql', import.meta.url)), 'utf8');
      const eddy = Eddy.open({ autoStart: false, batch: { maxRecords: 3 } });
      process.stdout.write('Eddy demo: clicks per user in 10-second tumbling windows; each batch holds at most 3 records.\n\n');
      for (const r of eddy.execute(script)) print(r);
      const live = eddy.query('SELECT USER_ID, WINDOWSTART, CLICKS FROM CLICKS_PER_USER EMIT CHANGES;');
      let batch = 0;
      while (eddy.step() > 0) {
        batch++;
        const rows = live.drain();
        if (rows.length) process.stdout.write(`batch ${batch}: ${rows.map((r) => `${String(r.values[0])}@${String(r.window?.start ?? r.values[1])} → ${String(r.values[2])}`).join(', ')}\n`);
      }
      live.close();
      process.stdout.write('\nFinal state (a pull query):\n');
      for (const r of eddy.execute('SELECT * FROM CLICKS_PER_USER;')) print(r);
      eddy.close();
    });
}
