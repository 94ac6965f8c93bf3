// The fenced code blocks of README.md and docs/*.md, so tests run what the documents show.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  readonly file: string;
  /** The fence's info string: `sh`, `sql`, `ts`, `text`… */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

export const ROOT = join(__dirname, '..', '..');

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ file, lang: open[1] ?? '', code: body.length ? `${body.join('\n')}\n` : '', line: start + 1 });
  }
  return blocks;
}

export function readmeBlocks(): CodeBlock[] {
  return codeBlocks('README.md');
}
