// Starts the interactive shell on a terminal and resolves when the person leaves.

import { render } from 'ink';
import { homedir } from 'node:os';
import { createElement } from 'react';
import { App, HELP } from './app.js';
import type { ShellBackend } from './backend.js';
import { History } from './history.js';

function tildePath(p: string): string {
  return p.startsWith(`${homedir()}/`) ? `~${p.slice(homedir().length)}` : p;
}

export async function runShell(backend: ShellBackend, historyFile: string, createdDemo: boolean): Promise<void> {
  const welcome = [
    `Eddy 0.1.0 — ${backend.description}; history in ${tildePath(historyFile)}`,
    ...(createdDemo
      ? ['A datagen stream RIDES (RIDE_ID, REGION, FARE) is producing 5 rows a second. Try:', '  SELECT REGION, COUNT(*) AS RIDES, ROUND(AVG(FARE), 2) AS AVG_FARE FROM RIDES', '    WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY REGION EMIT CHANGES;']
      : ['Try SHOW STREAMS; or SHOW TABLES; to see what is here.']),
    ...HELP,
    '',
  ];
  const app = render(createElement(App, { backend, history: new History(historyFile), welcome }), { exitOnCtrlC: false });
  await app.waitUntilExit();
}
