// A push query on screen: its rows (keyed results update in place), a status line with batch,
// throughput, latency and late records, a throughput sparkline, and a progress bar while the
// query catches up with a backlog. Polls the query ten times a second.

import { Box, Text } from 'ink';
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { LiveQuery } from './backend.js';
import { tableCellText } from './format-value.js';
import { statusLine, type LiveModel } from './live-model.js';
import { nullMark, type Look } from './render-outcome.js';
import { progressBar, sparkline } from './sparkline.js';
import { renderTable } from './table-layout.js';
import { styleText } from 'node:util';

export const POLL_MS = 100;

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** The rows of a live model as a table (changed rows in bold when styled). A windowed result
 *  that does not select WINDOWSTART gets a WINDOW column, or its rows would look like duplicates. */
export function liveTableLines(model: LiveModel, look: Look, limit: number): string[] {
  const { rows, changed } = model.visible(limit);
  const mark = nullMark(look);
  const showWindow = rows.some((r) => r.window) && !model.columns.some((c) => c.name === 'WINDOWSTART');
  const columns = showWindow ? [{ name: 'WINDOW', type: 'STRING' }, ...model.columns] : model.columns;
  const cells = rows.map((r, i) => {
    const values = showWindow ? [r.window ? `${clock(r.window.start)}–${clock(r.window.end)}` : null, ...r.values] : r.values;
    return values.map((v, k) => {
      const t = tableCellText(v, columns[k]!);
      if (t === undefined) return mark;
      return look.styled && changed[i] ? styleText('bold', t) : t;
    });
  });
  return renderTable({ columns, rows: cells, width: look.width, nullMark: mark });
}

interface Props {
  readonly query: LiveQuery;
  readonly model: LiveModel;
  readonly look: Look;
  readonly maxRows: number;
  readonly onEnd: () => void;
}

export function LiveView({ query, model, look, maxRows, onEnd }: Props): ReactElement {
  const [, setTick] = useState(0);
  // The parent's callback changes with its renders; the poller must not restart with it.
  const endRef = useRef(onEnd);
  endRef.current = onEnd;
  useEffect(() => {
    const timer = setInterval(() => {
      model.apply(query.take());
      setTick((t) => t + 1);
      if (query.ended) {
        clearInterval(timer);
        endRef.current();
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [query, model]);
  const p = query.progress();
  const catchingUp = p && p.lag > 0;
  return (
    <Box flexDirection="column">
      {query.title ? <Text>{query.title}</Text> : null}
      <Text>{liveTableLines(model, look, maxRows).join('\n')}</Text>
      {catchingUp ? (
        <Text color="yellow">
          catching up {progressBar(p.recordsIn, p.recordsIn + p.lag, 30)} {p.lag} behind
        </Text>
      ) : null}
      <Text>
        <Text color="green">{sparkline(model.rateSamples, 30)}</Text> <Text dimColor>{statusLine(model, p)}</Text>
      </Text>
      <Text dimColor>Push query {query.id} running — Ctrl-C to cancel</Text>
    </Box>
  );
}
