// Starts the interactive shell on a terminal and resolves when the person leaves.

import { render } from 'ink';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { createElement } from 'react';
import { App, HELP } from './app.js';
import type { ShellBackend } from './backend.js';
import { History } from './history.js';

function tildePath(p: string): string {
  return p.startsWith(`${homedir()}/`) ? `~${p.slice(homedir().length)}` : p;
}

/**
 * $PAGER, or `less -R` (keeps colours). It runs synchronously: while it has the terminal, this
 * process reads no keys (its event loop waits), so ink and the pager never compete for input;
 * the pager's own screen goes when it quits and ink's frame is as it left it.
 */
function terminalPager(): ((text: string) => boolean) | undefined {
  if (!process.stdout.isTTY || !process.stdin.isTTY) return undefined;
  const command = process.env['PAGER']?.trim() || 'less -R';
  return (text) => {
    const r = spawnSync(command, { shell: true, input: text, stdio: ['pipe', 'inherit', 'inherit'] });
    return !r.error && r.status !== 126 && r.status !== 127;
  };
}

function withPager(): { pager?: (text: string) => boolean } {
  const pager = terminalPager();
  return pager ? { pager } : {};
}

export async function runShell(backend: ShellBackend, historyFile: string, createdDemo: boolean): Promise<void> {
  const welcome = [
    `Eddy 0.1.0 — ${backend.description}; history in ${tildePath(historyFile)}`,
    ...(createdDemo
      ? [
          'A datagen stream RIDES (RIDE_ID, REGION, FARE) is producing 5 rows a second. Try:',
          '  SELECT REGION, COUNT(*) AS RIDES, ROUND(AVG(FARE), 2) AS AVG_FARE FROM RIDES',
          '    WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY REGION EMIT CHANGES;',
        ]
      : ['Try SHOW STREAMS; or SHOW TABLES; to see what is here.']),
    ...HELP,
    '',
  ];
  const app = render(createElement(App, { backend, history: new History(historyFile), welcome, ...withPager() }), { exitOnCtrlC: false });
  await app.waitUntilExit();
}
