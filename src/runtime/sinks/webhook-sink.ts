// The HTTP webhook sink: each batch is POSTed as JSON lines (one object per row, a table's
// tombstones as {"_deleted":true, key…}) with an `Idempotency-Key: <query>-<batch>` header, retried
// with doubling pauses on failure. At-least-once, plainly: a crash after the server answered and
// before Eddy recorded it sends the batch again, under the same key, for the receiver to drop.
// After the retries the failure goes to the processing log and the batch stays staged: the query
// keeps its place and offers it again (sink-delivery.ts).

import type { SinkBatch, SinkShape, SinkWriter } from './sink-writer.js';
import { jsonText } from './sink-values.js';

export interface WebhookSinkSettings {
  readonly url: string;
  readonly retries: number;
}

const FIRST_PAUSE_MS = 50;
const TIMEOUT_MS = 10_000;

export class WebhookSink implements SinkWriter {
  readonly guarantee = 'at-least-once';
  readonly target: string;

  constructor(
    private readonly shape: SinkShape,
    private readonly owner: string,
    private readonly settings: WebhookSinkSettings,
  ) {
    this.target = `webhook ${settings.url}`;
  }

  async write(batches: readonly SinkBatch[]): Promise<void> {
    for (const b of batches) await this.post(b);
  }

  close(): void {}

  private async post(b: SinkBatch): Promise<void> {
    const names = this.shape.columns.map((c) => `${JSON.stringify(c.name)}:`);
    let body = '';
    for (const r of b.rows) {
      const fields = r.values.flatMap((v, i) => (r.delete && !this.shape.columns[i]!.key ? [] : [names[i] + jsonText(v)]));
      body += `{${r.delete ? '"_deleted":true,' : ''}${fields.join(',')}}\n`;
    }
    let failure = '';
    let attempts = 0;
    for (let attempt = 0; attempt <= this.settings.retries; attempt++) {
      attempts = attempt + 1;
      if (attempt > 0) await new Promise((r) => setTimeout(r, FIRST_PAUSE_MS * 2 ** (attempt - 1)));
      try {
        const res = await fetch(this.settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': `${this.owner}-${b.id}` },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        failure = `HTTP ${res.status}`;
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break; // the request itself is refused: retrying will not help
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    throw new Error(`POST of batch ${b.id} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure}`);
  }
}
