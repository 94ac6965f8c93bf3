#!/usr/bin/env node
// Self time of a V8 .cpuprofile (node --cpu-prof) by function and by file, heaviest first: where a
// run's time goes, without opening DevTools.
// Usage: node scripts/cpuprofile-summary.mjs PROFILE.cpuprofile [top=25] [last-seconds]
// With last-seconds, only the samples of the run's last so many seconds (a phase at its end).
// (A run with worker threads writes one profile per thread: summarise the main thread's.)

import { readFileSync } from 'node:fs';

const [path, topArg, lastArg] = process.argv.slice(2);
if (!path) throw new Error('usage: cpuprofile-summary.mjs PROFILE.cpuprofile [top]');
const top = Number(topArg ?? 25);
if (!Number.isInteger(top)) throw new Error(`top must be a whole number, not '${topArg}'`);
const prof = JSON.parse(readFileSync(path, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const from = lastArg === undefined ? -Infinity : prof.endTime - Number(lastArg) * 1e6;
let at = prof.startTime;
// Sample i lasted timeDeltas[i + 1] (the delta to the next sample); the last one is not known.
for (let i = 0; i < prof.samples.length; i++) {
  at += prof.timeDeltas[i];
  if (at < from) continue;
  const dt = prof.timeDeltas[i + 1] ?? 0;
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const file = new Map();
for (const [id, t] of self) {
  const { callFrame: c } = byId.get(id);
  const where = c.url ? c.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/') : '(native)';
  const name = `${c.functionName || '(anonymous)'}  ${where}:${c.lineNumber + 1}`;
  fn.set(name, (fn.get(name) ?? 0) + t);
  file.set(where, (file.get(where) ?? 0) + t);
}
const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`);
};
console.log(`${path}: ${(total / 1e6).toFixed(2)} s sampled`);
show('self time by function', fn);
show('self time by file', file);
