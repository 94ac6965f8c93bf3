// Validation of option values, so a typo gets a sentence naming the option, not a Node error
// from deep inside (commander prints an InvalidArgumentError as `error: option '…' argument …`).

import { InvalidArgumentError } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A whole number in [min, max]. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, not '${text}'.`);
    return n;
  };
}

export const port = integerIn(0, 65535);
export const milliseconds = integerIn(0, 86_400_000);
export const count = integerIn(1, 100_000_000);

/**
 * As sqlite3 does with a database file: the data directory itself is created when missing, but
 * never its parents — a mistyped `--data nonexist/a/b` is refused instead of starting empty.
 */
export function dataDirectory(text: string): string {
  const dir = resolve(text);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InvalidArgumentError(`'${text}' is a file, not a data directory.`);
    return text;
  }
  const parent = dirname(dir);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new InvalidArgumentError(`'${text}' does not exist and neither does its parent directory ${parent}; Eddy creates a new data directory, not the directories above it.`);
  }
  return text;
}
