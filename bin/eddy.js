#!/usr/bin/env node
// A micro-batch allocates objects that live for one batch. V8's allocation-site pretenuring
// mistakes them for long-lived and allocates them in the old generation, where they wait for full
// collections: measured, runs of the same query took one of two speeds, the slow one half the
// fast (q2: 5.1M vs 10.3M events/s). Turned off before anything else is loaded.
import v8 from 'node:v8';

v8.setFlagsFromString('--no-allocation-site-pretenuring');
await import('../dist/cli/main.js');
