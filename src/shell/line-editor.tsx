// The prompt: draws the editor state (multi-line text, cursor, reverse search, completion
// choices). Keys reach editor-state.ts through the shell's one input handler (app.tsx), not here:
// a handler mounted with the prompt would miss keys typed before its effect ran.

import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { EditorState } from './editor-state.js';
import type { History } from './history.js';

export const PROMPT = 'eddy> ';
export const CONTINUATION = '   -> ';

interface Props {
  readonly state: EditorState;
  readonly history: History;
  readonly active: boolean;
}

/** One line of the buffer after its prompt, in a single Text so wrapping keeps the prompt's space. */
function promptLine(prompt: string, line: string, col: number | undefined): ReactElement {
  return (
    <Text>
      <Text color="cyan">{prompt}</Text>
      {col === undefined ? line : line.slice(0, col)}
      {col === undefined ? null : <Text inverse>{line[col] ?? ' '}</Text>}
      {col === undefined ? null : line.slice(col + 1)}
    </Text>
  );
}

export function LineEditor({ state, history, active }: Props): ReactElement {
  if (state.search) {
    const match = state.search.index !== undefined ? history.entries[state.search.index]! : '';
    return (
      <Box flexDirection="column">
        <Text>
          <Text dimColor>(reverse-i-search)</Text>`{state.search.query}': {match.replace(/\n/g, ' ')}
        </Text>
      </Box>
    );
  }
  const lines = state.text.split('\n');
  let offset = 0;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const col = active && state.cursor >= start && state.cursor <= start + line.length ? state.cursor - start : undefined;
        return <Box key={i}>{promptLine(i === 0 ? PROMPT : CONTINUATION, line, col)}</Box>;
      })}
      {state.choices && state.choices.length > 0 ? (
        <Text dimColor>
          {state.choices.slice(0, 40).join('  ')}
          {state.choices.length > 40 ? '  …' : ''}
        </Text>
      ) : null}
    </Box>
  );
}
