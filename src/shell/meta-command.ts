// psql's backslash commands and DuckDB's dot commands: one line each, no `;` needed. Those that
// list or describe become the SQL statements that do it, so they work on a remote server too.

export type Setting = 'records' | 'timing' | 'pager';

export type MetaCommand =
  | { readonly kind: 'quit' }
  | { readonly kind: 'help' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'set'; readonly setting: Setting; readonly on?: boolean }
  | { readonly kind: 'sql'; readonly statements: readonly string[] }
  | { readonly kind: 'output'; readonly path?: string }
  | { readonly kind: 'include'; readonly path: string }
  | { readonly kind: 'error'; readonly message: string };

export const META_HELP = [
  'Meta-commands (one line, no `;`):',
  '  \\d [name]      streams and tables, or DESCRIBE name     \\dt  tables   \\ds  streams   \\dq  queries',
  '  \\df [name]     functions, or DESCRIBE FUNCTION name     .tables  .schema [name]  (as in DuckDB)',
  '  \\x [on|off]    records: one field a line                \\timing [on|off]  statement times',
  '  \\pset pager [on|off]   page results taller than the screen (less -R, or $PAGER)',
  '  \\o [file]      write results to a file (\\o alone: back to the screen)',
  '  \\i file        run the statements in a file (RUN SCRIPT)      \\! clear or Ctrl-L  clear the screen',
  '  \\q  quit       \\?  this help',
];

const WORDS: Record<string, MetaCommand> = { exit: { kind: 'quit' }, quit: { kind: 'quit' }, help: { kind: 'help' } };

/** True when Enter should take the line as a meta-command (it never needs a `;`). */
export function isMetaCommand(text: string): boolean {
  const t = text.trim().replace(/;$/, '').toLowerCase();
  return t in WORDS || (/^[\\.]/.test(t) && !t.includes('\n'));
}

function onOff(arg: string | undefined, setting: Setting): MetaCommand {
  if (arg === undefined) return { kind: 'set', setting };
  if (/^(on|true|1)$/i.test(arg)) return { kind: 'set', setting, on: true };
  if (/^(off|false|0)$/i.test(arg)) return { kind: 'set', setting, on: false };
  return { kind: 'error', message: `Expected on or off, not '${arg}'.` };
}

/** The name as SQL spells it: quoted when it is not a plain identifier. */
function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function parseMetaCommand(text: string): MetaCommand {
  const line = text.trim().replace(/;$/, '').trim();
  const word = WORDS[line.toLowerCase()];
  if (word) return word;
  const [cmd = '', ...args] = line.split(/\s+/);
  const arg = args.join(' ') || undefined;
  switch (cmd.toLowerCase()) {
    case '\\q':
    case '.quit':
    case '.exit':
      return { kind: 'quit' };
    case '\\?':
    case '\\h':
    case '.help':
      return { kind: 'help' };
    case '\\d':
    case '\\d+':
    case '.schema':
      if (arg) return { kind: 'sql', statements: [`DESCRIBE ${sqlName(arg)}${cmd === '\\d+' ? ' EXTENDED' : ''};`] };
      return { kind: 'sql', statements: cmd === '.schema' ? ['DESCRIBE STREAMS EXTENDED;', 'DESCRIBE TABLES EXTENDED;'] : ['SHOW STREAMS;', 'SHOW TABLES;'] };
    case '.tables':
      return { kind: 'sql', statements: ['SHOW STREAMS;', 'SHOW TABLES;'] };
    case '\\dt':
      return { kind: 'sql', statements: ['SHOW TABLES;'] };
    case '\\ds':
      return { kind: 'sql', statements: ['SHOW STREAMS;'] };
    case '\\dq':
      return { kind: 'sql', statements: ['SHOW QUERIES;'] };
    case '\\df':
      return { kind: 'sql', statements: [arg ? `DESCRIBE FUNCTION ${sqlName(arg)};` : 'SHOW FUNCTIONS;'] };
    case '\\x':
      return onOff(arg, 'records');
    case '\\timing':
    case '.timer':
      return onOff(arg, 'timing');
    case '\\pset':
      if (args[0]?.toLowerCase() === 'pager') return onOff(args[1], 'pager');
      return { kind: 'error', message: `\\pset knows only pager (\\pset pager on|off), not '${args[0] ?? ''}'.` };
    case '\\o':
    case '.output':
      return { kind: 'output', ...(arg ? { path: arg } : {}) };
    case '\\i':
    case '.read':
      return arg ? { kind: 'include', path: arg } : { kind: 'error', message: `${cmd} needs a file name.` };
    case '\\!':
      if (arg === 'clear') return { kind: 'clear' };
      return { kind: 'error', message: 'Eddy runs no shell commands; \\! clear (or Ctrl-L) clears the screen.' };
    default:
      return { kind: 'error', message: `Unknown meta-command '${cmd}'. \\? lists them.` };
  }
}
