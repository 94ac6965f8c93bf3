// The SQL editor: a SELECT goes to /query-stream (a pull query's rows arrive and it ends; a push
// query's rows keep coming until Stop), anything else to /ksql, whose response entities are shown
// as tables or messages. A push query over a table updates its rows in place by the table's key.

import { ApiError, ksql, queryStream } from './api.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function cell(v) {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A table of `rows` (arrays) under `columns`. */
function table(columns, rows) {
  const t = el('table', 'result');
  const head = el('tr');
  for (const c of columns) head.append(el('th', '', c));
  t.append(el('thead'));
  t.tHead.append(head);
  const body = el('tbody');
  for (const r of rows) body.append(rowElement(r));
  t.append(body);
  return t;
}

function rowElement(values) {
  const tr = el('tr');
  for (const v of values) tr.append(el('td', '', cell(v)));
  return tr;
}

function objectsTable(objs) {
  if (!objs.length) return el('div', 'muted', '(no rows)');
  const cols = Object.keys(objs[0]);
  return table(
    cols,
    objs.map((o) => cols.map((c) => o[c])),
  );
}

/** One /ksql response entity as the page shows it. */
function entityElement(e) {
  const box = el('div', 'entity');
  box.append(el('div', 'stmt', e.statementText ?? ''));
  switch (e['@type']) {
    case 'currentStatus':
      box.append(el('div', 'ok', e.commandStatus?.message || e.commandStatus?.status || 'done'));
      break;
    case 'streams':
      box.append(objectsTable(e.streams));
      break;
    case 'tables':
      box.append(objectsTable(e.tables));
      break;
    case 'queries':
      box.append(objectsTable(e.queries.map((q) => ({ id: q.id, type: q.queryType, state: q.state, sinks: q.sinks.join(', '), query: q.queryString }))));
      break;
    case 'properties':
      box.append(objectsTable(e.properties));
      break;
    case 'kafka_topics':
      box.append(objectsTable(e.topics.map((t) => ({ name: t.name, partitions: t.replicaInfo.length }))));
      break;
    case 'sourceDescription':
      box.append(objectsTable(e.sourceDescription.fields.map((f) => ({ name: f.name, type: f.schema.type, key: f.type === 'KEY' ? 'KEY' : '' }))));
      break;
    case 'eddy_rows':
      box.append(objectsTable(e.rows));
      break;
    case 'eddy_message':
      box.append(el('pre', 'message', e.message));
      break;
    default:
      box.append(el('pre', 'message', JSON.stringify(e, null, 2)));
  }
  return box;
}

/** Leading comments and blanks off, to see what kind of statement this is. */
function statementStart(sql) {
  return sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
}

export class Editor {
  /** `sources()` gives the streams and tables the page knows: [{ name, type, fields }]. */
  constructor(root, { sources, onChange }) {
    this.root = root;
    this.sources = sources;
    this.onChange = onChange;
    this.abort = undefined;
    this.text = root.querySelector('#sql');
    this.out = root.querySelector('#results');
    this.status = root.querySelector('#run-status');
    this.runButton = root.querySelector('#run');
    this.stopButton = root.querySelector('#stop');
    this.earliest = root.querySelector('#earliest');
    this.runButton.addEventListener('click', () => void this.run());
    this.stopButton.addEventListener('click', () => this.stop());
    this.text.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        void this.run();
      }
    });
  }

  stop() {
    this.abort?.abort();
    this.abort = undefined;
    this.stopButton.disabled = true;
  }

  setStatus(text, cls = '') {
    this.status.textContent = text;
    this.status.className = cls;
  }

  async run() {
    this.stop();
    const sql = this.text.value.trim();
    if (!sql) return;
    this.out.innerHTML = '';
    try {
      if (/^SELECT\b/i.test(statementStart(sql))) await this.select(sql.replace(/;\s*$/, ''));
      else {
        this.setStatus('running…');
        const entities = await ksql(sql);
        for (const e of entities) this.out.append(entityElement(e));
        this.setStatus(`${entities.length} statement${entities.length === 1 ? '' : 's'} done`, 'ok');
        this.onChange();
      }
    } catch (e) {
      this.stopButton.disabled = true;
      const box = el('div', 'error', e instanceof ApiError || e instanceof Error ? e.message : String(e));
      if (e instanceof ApiError && e.body?.entities?.length) for (const x of e.body.entities) this.out.append(entityElement(x));
      this.out.append(box);
      this.setStatus('failed', 'bad');
    }
  }

  /** The key columns to update rows by: the FROM source's, if it is a table. */
  keyColumns(sql, columns) {
    const m = /\bFROM\s+(`[^`]+`|"[^"]+"|[A-Za-z_][\w]*)/i.exec(sql);
    if (!m) return [];
    const raw = m[1];
    const name = /^[`"]/.test(raw) ? raw.slice(1, -1) : raw.toUpperCase();
    const src = this.sources().find((s) => s.name === name);
    if (!src || src.type !== 'TABLE') return [];
    const keys = src.fields.filter((f) => f.key).map((f) => f.name);
    return keys.length && keys.every((k) => columns.includes(k)) ? keys.map((k) => columns.indexOf(k)) : [];
  }

  async select(sql) {
    const push = /\bEMIT\s+CHANGES\b/i.test(sql);
    const abort = new AbortController();
    this.abort = abort;
    this.stopButton.disabled = !push;
    this.setStatus(push ? 'push query: waiting for rows…' : 'running…');
    let tbody;
    let columns = [];
    let keyIdx = [];
    const byKey = new Map();
    let count = 0;
    await queryStream(sql, this.earliest.checked ? { 'auto.offset.reset': 'earliest' } : {}, {
      signal: abort.signal,
      onHeader: (h) => {
        columns = h.columnNames ?? [];
        keyIdx = push ? this.keyColumns(sql, columns) : [];
        const t = table(columns, []);
        t.dataset.queryId = h.queryId ?? '';
        tbody = t.tBodies[0];
        this.out.append(t);
      },
      onRow: (r) => {
        count++;
        if (keyIdx.length) {
          const k = JSON.stringify(keyIdx.map((i) => r[i]));
          const old = byKey.get(k);
          const tr = rowElement(r);
          tr.className = 'fresh';
          if (old) old.replaceWith(tr);
          else tbody.append(tr);
          byKey.set(k, tr);
        } else {
          tbody.append(rowElement(r));
          // Push rows of a stream: keep the newest thousand.
          if (tbody.rows.length > 1000) tbody.deleteRow(0);
        }
        if (push) this.setStatus(`push query: ${count} row${count === 1 ? '' : 's'}${keyIdx.length ? `, ${byKey.size} key${byKey.size === 1 ? '' : 's'} (updated in place)` : ''} — running`, 'live');
      },
    });
    if (this.abort === abort) this.abort = undefined;
    this.stopButton.disabled = true;
    if (abort.signal.aborted) this.setStatus(`push query stopped after ${count} row${count === 1 ? '' : 's'}`);
    else this.setStatus(`${count} row${count === 1 ? '' : 's'}`, 'ok');
  }
}
