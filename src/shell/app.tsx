// The interactive shell: finished output scrolls away above (ink's Static), below it either the
// prompt, a running script's progress, or a live push query.

import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { appendFileSync, writeFileSync } from 'node:fs';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { Key } from 'ink';
import { styleText } from 'node:util';
import { asShellError, type CatalogNames, type LiveQuery, type Outcome, type ShellBackend, type WorkProgress } from './backend.js';
import { applyCompletion, complete } from './completion.js';
import { applyKey, EMPTY, type EditorAction, type EditorEnv, type EditorState } from './editor-state.js';
import { errorLines } from './error-caret.js';
import type { History } from './history.js';
import { CONTINUATION, LineEditor, PROMPT } from './line-editor.js';
import { LiveModel } from './live-model.js';
import { splitKeys } from './key-chunks.js';
import { isMetaCommand, META_HELP, parseMetaCommand, type MetaCommand, type Setting } from './meta-command.js';
import { liveTableLines, LiveView } from './live-view.js';
import { dim, renderOutcome, timing, type Look } from './render-outcome.js';
import { readScript, runScriptPath, scriptErrorLines, type Script, type ScriptStatement } from './script-file.js';
import { progressBar } from './sparkline.js';
import { isBlank, splitStatements } from './statement-splitter.js';

export const HELP = [
  'Statements end with `;` and may span lines. Some to try:',
  '  SHOW STREAMS;  SHOW TABLES;  DESCRIBE <name>;  SHOW FUNCTIONS;',
  '  SELECT … EMIT CHANGES;   (a push query: Ctrl-C cancels it)',
  "  EXPLAIN SELECT …;   RUN SCRIPT 'file.sql';   \\? lists the meta-commands (\\d, \\x, \\timing, \\o …)",
  "  COPY <table> FROM 'file.csv';   (a bulk load with a progress bar: Ctrl-C stops it)",
  'Keys: Tab completes · ↑/↓ history · Ctrl-R searches it · Ctrl-L clears · Ctrl-C clears or cancels · Ctrl-D leaves.',
];

const NO_NAMES: CatalogNames = { sources: [], columns: [], functions: [], queries: [] };

const SETTING_NAMES: Record<Setting, string> = { records: 'Records (one field a line)', timing: 'Timing', pager: 'The pager' };

interface Block {
  readonly id: number;
  readonly text: string;
}

interface Live {
  readonly query: LiveQuery;
  readonly model: LiveModel;
  readonly started: number;
  readonly finished: () => void;
  /** Set once its end has been printed (Ctrl-C and the query's own end can race). */
  settled?: boolean;
}

export interface AppProps {
  readonly backend: ShellBackend;
  readonly history: History;
  readonly welcome: readonly string[];
  /** Width and height when the output is not a terminal that reports them (tests). */
  readonly size?: { readonly columns: number; readonly rows: number };
  /** Shows text in a pager on the terminal (false when it could not); absent when there is no terminal to page on. */
  readonly pager?: (text: string) => boolean;
}

/** Enter submits a meta-command, a finished statement, or nothing at all (blanks and comments). */
export function isComplete(text: string): boolean {
  return isMetaCommand(text) || isBlank(text) || splitStatements(text).statements.length > 0;
}

/** What stays in the editor after the finished statements ran: an unfinished one, on a line of its own. */
function leftOver(rest: string): string {
  return isBlank(rest) ? '' : `${rest.trim()}\n`;
}

export function App({ backend, history, welcome, size, pager }: AppProps): ReactElement {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const width = size?.columns ?? stdout.columns ?? 100;
  const height = size?.rows ?? stdout.rows ?? 24;
  const [settings, setSettings] = useState<Record<Setting, boolean>>({ records: false, timing: true, pager: true });
  const settingsRef = useRef(settings);
  /** `\o file`: finished results go to this file instead of the screen. */
  const outFile = useRef<string | undefined>(undefined);
  const names = useRef<CatalogNames>(NO_NAMES);
  const look: Look = useMemo(() => ({ width, styled: true, vertical: settings.records }), [width, settings.records]);
  const nextId = useRef(1);
  const [blocks, setBlocks] = useState<Block[]>(() => [{ id: 0, text: welcome.join('\n') }]);
  const [editor, setEditor] = useState<EditorState>(EMPTY);
  // Keys can arrive faster than renders (typed ahead, pasted, tmux): each applies to the last one's result.
  const editorRef = useRef<EditorState>(EMPTY);
  /** From Enter until the statements it started have finished: keys typed meanwhile wait in typeAhead. */
  const working = useRef(false);
  const typeAhead = useRef<[string, Key][]>([]);
  const [busy, setBusy] = useState<{ label: string; done?: number; total?: number; detail?: string } | undefined>();
  const [live, setLiveState] = useState<Live | undefined>();
  const liveRef = useRef<Live | undefined>(undefined);
  const setLive = useCallback((l: Live | undefined) => {
    liveRef.current = l;
    setLiveState(l);
  }, []);
  const cancelled = useRef(false);
  /** Aborts the statement running now (a bulk load stops after its current chunk). */
  const running = useRef<AbortController | undefined>(undefined);
  const leaving = useRef(false);

  const print = useCallback((lines: readonly string[]) => {
    const text = lines.join('\n');
    setBlocks((b) => [...b, { id: nextId.current++, text }]);
  }, []);

  /** A finished statement's answer: to the \\o file, through the pager when taller than the screen, or printed. */
  const show = useCallback(
    (outcome: Exclude<Outcome, { kind: 'live' }>, ms: number) => {
      const took = settingsRef.current.timing ? ms : undefined;
      if (outFile.current) {
        appendFileSync(outFile.current, `${renderOutcome(outcome, { width: Infinity, styled: false, vertical: look.vertical ?? false }, took).join('\n')}\n`);
        return;
      }
      const lines = renderOutcome(outcome, look, took);
      if (pager && settingsRef.current.pager && lines.length > height - 1 && pager(lines.join('\n'))) {
        // The pager's screen goes when it closes; the count stays as a record of what ran.
        print(outcome.kind === 'rows' ? lines.slice(-1) : [dim(look, `(${lines.length} lines shown in the pager)`)]);
        return;
      }
      print(lines);
    },
    [look, height, pager, print],
  );

  const refreshNames = useCallback(() => {
    void backend.names().then(
      (n) => (names.current = n),
      () => undefined,
    );
  }, [backend]);
  useEffect(refreshNames, [refreshNames]);

  const leave = useCallback(() => {
    if (leaving.current) return;
    leaving.current = true;
    void backend.close().finally(() => exit());
  }, [backend, exit]);

  const finishLive = useCallback(
    (l: Live, how: string) => {
      if (l.settled) return;
      l.settled = true;
      l.model.apply(l.query.take());
      const lines = l.model.size ? liveTableLines(l.model, look, Math.max(3, height - 8)) : [];
      print([
        ...(l.query.title ? [l.query.title] : []),
        ...lines,
        dim(look, `${how}: ${l.model.rowsSeen} row${l.model.rowsSeen === 1 ? '' : 's'} in ${l.model.batches} batch${l.model.batches === 1 ? '' : 'es'} (${timing(Date.now() - l.started)})`),
      ]);
      setLive(undefined);
      l.finished();
    },
    [look, height, print, setLive],
  );

  /** Run one statement (of a script: errors point into its file); false when it failed (the rest of a script is skipped). */
  const runOne = useCallback(
    async (statement: string, from?: { script: Script; at: ScriptStatement }): Promise<boolean> => {
      const t0 = performance.now();
      const abort = new AbortController();
      running.current = abort;
      try {
        const outcome = await backend.run(statement, { signal: abort.signal, onProgress: (p: WorkProgress) => setBusy(p) });
        if (outcome.kind !== 'live') {
          show(outcome, performance.now() - t0);
          return true;
        }
        await new Promise<void>((finished) => setLive({ query: outcome.query, model: new LiveModel(outcome.query.columns), started: Date.now(), finished }));
        return true;
      } catch (e) {
        const f = asShellError(e);
        print((from ? scriptErrorLines(from.script, from.at, f) : errorLines(statement, f)).map((l, i) => (i === 0 ? styleText('red', l) : l)));
        return false;
      } finally {
        running.current = undefined;
      }
    },
    [backend, print, show, setLive],
  );

  /** RUN SCRIPT and \\i: the file's statements one by one under a progress bar; false when one failed. */
  const runScript = useCallback(
    async (path: string, statement: string): Promise<boolean> => {
      let script: Script;
      try {
        script = readScript(path);
      } catch (e) {
        print(errorLines(statement, asShellError(e)));
        return false;
      }
      const t0 = performance.now();
      let ok = 0;
      const total = script.statements.length;
      for (const [i, s] of script.statements.entries()) {
        if (cancelled.current) break;
        setBusy({ label: `RUN SCRIPT '${path}'`, done: i, total });
        // Let the progress bar draw between statements.
        await new Promise((r) => setTimeout(r, 0));
        if (!(await runOne(s.sql, { script, at: s }))) break;
        ok++;
      }
      print([dim(look, `Ran ${ok} of ${total} statement${total === 1 ? '' : 's'} from ${path} (${timing(performance.now() - t0)})`)]);
      return ok === total;
    },
    [look, print, runOne],
  );

  /** One meta-command; false when the rest of the input should not run. */
  const runMeta = useCallback(
    async (m: MetaCommand, statement: string): Promise<boolean> => {
      switch (m.kind) {
        case 'quit':
          leave();
          return false;
        case 'help':
          print([...HELP, ...META_HELP]);
          return true;
        case 'clear':
          write('\x1b[H\x1b[2J');
          return true;
        case 'set': {
          const on = m.on ?? !settingsRef.current[m.setting];
          settingsRef.current = { ...settingsRef.current, [m.setting]: on };
          setSettings(settingsRef.current);
          print([
            `${SETTING_NAMES[m.setting]} ${m.setting === 'records' ? 'are' : 'is'} ${on ? 'on' : 'off'}.${m.setting === 'pager' && on && !pager ? ' (No terminal to page on: results print as they are.)' : ''}`,
          ]);
          return true;
        }
        case 'output':
          if (m.path !== undefined) {
            try {
              writeFileSync(m.path, '', { flag: 'a' });
            } catch (e) {
              print([styleText('red', `ERROR: Cannot write to '${m.path}': ${(e as Error).message}`)]);
              return false;
            }
          }
          outFile.current = m.path;
          print([m.path !== undefined ? `Results go to ${m.path} (\\o alone sends them back to the screen).` : 'Results go to the screen.']);
          return true;
        case 'include':
          return runScript(m.path, statement);
        case 'sql':
          for (const sql of m.statements) if (!(await runOne(sql))) return false;
          return true;
        case 'error':
          print([styleText('red', `ERROR: ${m.message}`)]);
          return false;
      }
    },
    [leave, print, write, pager, runScript, runOne],
  );

  const runStatements = useCallback(
    async (statements: readonly string[]) => {
      cancelled.current = false;
      for (const statement of statements) {
        if (cancelled.current || leaving.current) break;
        const path = isMetaCommand(statement) ? undefined : runScriptPath(statement);
        const ok = isMetaCommand(statement) ? await runMeta(parseMetaCommand(statement), statement) : path !== undefined ? await runScript(path, statement) : await runOne(statement);
        if (!ok) break;
      }
      working.current = false;
      setBusy(undefined);
      refreshNames();
      drainTypeAhead.current();
    },
    [runMeta, runScript, runOne, refreshNames],
  );

  const env: EditorEnv = useMemo(
    () => ({
      history,
      isComplete,
      complete: (text, cursor) => {
        // Names as of the last statement: completion answers at once, so keys typed after Tab follow it.
        const c = complete(text, cursor, names.current);
        return { ...applyCompletion(text, cursor, c), ...(c.candidates.length > 1 ? { choices: c.candidates } : {}) };
      },
    }),
    [history],
  );

  const onAction = useCallback(
    (a: EditorAction) => {
      if (a.kind === 'exit') return leave();
      if (a.kind === 'clear') return write('\x1b[H\x1b[2J');
      if (a.kind !== 'submit') return;
      const meta = isMetaCommand(a.text);
      const split = meta ? { statements: [a.text.trim()], rest: '' } : splitStatements(a.text);
      const blank = isBlank(a.text);
      const statements = split.statements.length ? split.statements : blank ? [] : [a.text.trim()];
      const kept = split.statements.length ? leftOver(split.rest) : '';
      const ran = split.statements.length && kept ? a.text.slice(0, a.text.length - split.rest.length) : a.text;
      if (!blank) history.add(ran);
      print(
        ran
          .trimEnd()
          .split('\n')
          .map((l, i) => styleText('cyan', i === 0 ? PROMPT : CONTINUATION) + l),
      );
      editorRef.current = { text: kept, cursor: kept.length };
      setEditor(editorRef.current);
      if (!statements.length) return;
      working.current = true;
      setBusy({ label: 'running' });
      void runStatements(statements);
    },
    [history, leave, print, write, runStatements],
  );

  // One input handler for the shell's whole life. Ink attaches a hook's handler in an effect, after
  // the render that shows the prompt; a handler that came and went with the prompt lost the keys
  // typed in between, and everything typed while a statement ran. Keys typed while one runs wait
  // and then reach the prompt in order (type-ahead, as in psql); only Ctrl-C and Ctrl-D act at once.
  const onKey = useCallback(
    (input: string, key: Key) => {
      if (leaving.current) return;
      if (working.current) {
        if (!key.ctrl || (input !== 'c' && input !== 'd')) {
          typeAhead.current.push([input, key]);
          return;
        }
        typeAhead.current = [];
        cancelled.current = true;
        running.current?.abort();
        const l = liveRef.current;
        if (l) {
          l.query.cancel();
          finishLive(l, 'Cancelled');
        }
        if (input === 'd') leave();
        return;
      }
      const [next, action] = applyKey(editorRef.current, input, key, env);
      editorRef.current = next;
      setEditor(next);
      if (action.kind !== 'none') onAction(action);
    },
    [env, onAction, finishLive, leave],
  );
  const drainTypeAhead = useRef(() => undefined as void);
  drainTypeAhead.current = () => {
    const keys = typeAhead.current;
    typeAhead.current = [];
    // A key that submits a statement makes the ones after it wait again, for that statement.
    for (const [input, key] of keys) onKey(input, key);
  };
  useInput((chunk, chunkKey) => {
    for (const [input, key] of splitKeys(chunk, chunkKey)) onKey(input, key);
  });

  const onLiveEnd = useCallback(() => live && finishLive(live, 'Query ended'), [live, finishLive]);

  return (
    <Box flexDirection="column">
      <Static items={blocks}>{(b) => <Text key={b.id}>{b.text}</Text>}</Static>
      {live ? (
        <LiveView query={live.query} model={live.model} look={look} maxRows={Math.max(3, height - 8)} onEnd={onLiveEnd} />
      ) : busy ? (
        <Text dimColor>{busy.total ? `${busy.label} ${progressBar(busy.done ?? 0, busy.total, 30)} ${busy.done ?? 0}/${busy.total}${busy.detail ? ` ${busy.detail}` : ''}` : '…'}</Text>
      ) : leaving.current ? null : (
        <LineEditor state={editor} history={history} active={!busy && !live} />
      )}
    </Box>
  );
}
