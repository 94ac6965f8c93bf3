// docs/sql.md must not drift from the function registry: every scalar, aggregate and table
// function Eddy registers has its own row in the reference, and the reference names no function
// that Eddy does not have.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBuiltIns } from '../../src/planner/functions/function-table.js';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'sql.md'), 'utf8');
const functionsPart = doc.slice(doc.indexOf('\n## Functions'));
/** Names in the first cell of the function tables: "| `NAME` | …". */
const documented = new Set([...functionsPart.matchAll(/^\| `([A-Z_0-9]+)` \|/gm)].map((m) => m[1]!));

describe('docs/sql.md', () => {
  it('documents every registered function', () => {
    expect(functionsPart.length, 'a "## Functions" section').toBeGreaterThan(100);
    const missing = listBuiltIns()
      .map((f) => f.name)
      .filter((name) => !documented.has(name));
    expect(missing, 'functions missing from docs/sql.md').toEqual([]);
  });

  it('documents no function that is not registered', () => {
    const registered = new Set(listBuiltIns().map((f) => f.name));
    expect(
      [...documented].filter((name) => !registered.has(name)),
      'unknown functions in docs/sql.md',
    ).toEqual([]);
  });
});
