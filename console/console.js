// The console page: polls SHOW QUERIES and each query's progress once a second (paused while the
// tab is hidden), the streams and tables every five seconds, and draws the selected query's charts
// and plan. Everything it shows comes from the HTTP API's existing endpoints.

import { AuthError, ksql, progress, serverInfo, setToken, takeTokenFromUrl } from './api.js';
import { ChartPanel, History } from './charts.js';
import { Editor } from './editor.js';
import { renderPlan } from './plan.js';

const POLL_MS = 1000;
const SOURCES_MS = 5000;

const $ = (sel) => document.querySelector(sel);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const state = {
  queries: [],
  latest: new Map(),
  histories: new Map(),
  selected: undefined,
  sources: [],
  sourcesAt: 0,
  authNeeded: false,
};

const charts = new ChartPanel($('#charts'));

function fmtInt(n) {
  return typeof n === 'number' ? Math.round(n).toLocaleString('en') : '–';
}

function showAuth(needed) {
  state.authNeeded = needed;
  $('#login').hidden = !needed;
  if (needed) $('#conn').textContent = 'token needed';
}

function renderQueries() {
  const ul = $('#queries');
  ul.innerHTML = '';
  if (!state.queries.length) ul.append(el('li', 'muted', 'none yet'));
  for (const q of state.queries) {
    const p = state.latest.get(q.id);
    const li = el('li', `query${q.id === state.selected ? ' selected' : ''}`);
    li.dataset.queryId = q.id;
    const top = el('div', 'row');
    top.append(el('span', 'qid', q.id), el('span', `status status-${String(q.state).toLowerCase()}`, q.state));
    const sub = el('div', 'sub muted', `${q.queryType}${q.sinks.length ? ` → ${q.sinks.join(', ')}` : ''}${p ? ` · ${fmtInt(p.batchId)} batches · ${fmtInt(p.numInputRows)} in · ${fmtInt(p.sink.numOutputRows)} out` : ''}`);
    li.append(top, sub);
    if (p?.eddy.lastError) li.append(el('div', 'bad small', p.eddy.lastError));
    li.addEventListener('click', () => select(q.id));
    ul.append(li);
  }
}

function renderStats() {
  const q = state.queries.find((x) => x.id === state.selected);
  const p = state.latest.get(state.selected);
  $('#query-title').textContent = q ? q.id : 'No query selected';
  $('#query-sql').textContent = q ? q.queryString : '';
  const stats = $('#query-stats');
  stats.innerHTML = '';
  if (!p) return;
  const items = [
    ['status', p.eddy.status],
    ['batches', fmtInt(p.batchId)],
    ['rows in', fmtInt(p.numInputRows)],
    ['rows out', fmtInt(p.sink.numOutputRows)],
    ['lag', fmtInt(p.eddy.lag)],
    ['errors', fmtInt(p.eddy.errors)],
    ['sink', p.sink.description || '–'],
  ];
  for (const [k, v] of items) {
    const d = el('div', 'stat');
    d.append(el('div', 'k', k), el('div', 'v', v));
    stats.append(d);
  }
}

async function loadPlan(id) {
  const root = $('#plan');
  try {
    const [e] = await ksql(`EXPLAIN ${id};`);
    if (state.selected !== id) return;
    if (e?.message) renderPlan(root, e.message);
  } catch (err) {
    if (state.selected === id) root.textContent = `EXPLAIN failed: ${err.message}`;
  }
}

function select(id) {
  if (state.selected === id) return;
  state.selected = id;
  charts.reset();
  const h = state.histories.get(id);
  if (h) charts.draw(h);
  renderQueries();
  renderStats();
  $('#plan').innerHTML = '<span class="muted">loading…</span>';
  void loadPlan(id);
}

async function pollQueries() {
  const [entity] = await ksql('SHOW QUERIES;');
  state.queries = entity?.queries ?? [];
  const ids = new Set(state.queries.map((q) => q.id));
  const figures = await Promise.all(state.queries.map((q) => progress(q.id)));
  state.queries.forEach((q, i) => {
    const p = figures[i];
    if (!p) return;
    state.latest.set(q.id, p);
    let h = state.histories.get(q.id);
    if (!h) state.histories.set(q.id, (h = new History()));
    h.observe(p);
  });
  for (const id of [...state.histories.keys()]) if (!ids.has(id)) (state.histories.delete(id), state.latest.delete(id));
  if (!state.selected || !ids.has(state.selected)) {
    // The first persistent query, else any: push queries come and go with their clients.
    const first = state.queries.find((q) => q.queryType === 'PERSISTENT') ?? state.queries[0];
    if (first) select(first.id);
    else state.selected = undefined;
  }
  renderQueries();
  renderStats();
  const h = state.histories.get(state.selected);
  if (h) charts.draw(h);
}

async function pollSources() {
  const entities = await ksql('SHOW STREAMS; SHOW TABLES;');
  const list = [...(entities[0]?.streams ?? []), ...(entities[1]?.tables ?? [])];
  const described = list.length ? await ksql(list.map((s) => `DESCRIBE \`${s.name.replace(/`/g, '``')}\`;`).join(' ')) : [];
  state.sources = list.map((s, i) => {
    const d = described[i]?.sourceDescription;
    return { name: s.name, type: s.type, topic: s.topic, keyFormat: s.keyFormat, valueFormat: s.valueFormat, windowed: s.isWindowed, fields: (d?.fields ?? []).map((f) => ({ name: f.name, type: f.schema.type, key: f.type === 'KEY' })) };
  });
  renderSources();
}

function renderSources() {
  const root = $('#sources');
  const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.dataset.name));
  root.innerHTML = '';
  if (!state.sources.length) root.append(el('span', 'muted', 'none yet'));
  for (const s of state.sources) {
    const d = el('details', 'source');
    d.dataset.name = s.name;
    if (open.has(s.name)) d.open = true;
    const sum = el('summary');
    sum.append(el('span', `kind kind-${s.type.toLowerCase()}`, s.type), el('span', 'name', s.name), el('span', 'muted small', ` ${s.topic} · ${s.keyFormat}/${s.valueFormat}${s.windowed ? ' · windowed' : ''}`));
    d.append(sum);
    const t = el('table', 'schema');
    for (const f of s.fields) {
      const tr = el('tr');
      tr.append(el('td', 'name', f.name), el('td', 'type', f.type), el('td', 'muted', f.key ? 'KEY' : ''));
      t.append(tr);
    }
    d.append(t);
    root.append(d);
  }
}

let failures = 0;

async function tick() {
  if (!document.hidden && !state.authNeeded) {
    try {
      await pollQueries();
      if (Date.now() - state.sourcesAt > SOURCES_MS) {
        state.sourcesAt = Date.now();
        await pollSources();
      }
      failures = 0;
      $('#conn').textContent = `live · polled ${new Date().toLocaleTimeString()}`;
      $('#conn').className = 'ok';
    } catch (e) {
      if (e instanceof AuthError) showAuth(true);
      else {
        failures++;
        $('#conn').textContent = `server unreachable (${e.message})`;
        $('#conn').className = 'bad';
      }
    }
  }
  setTimeout(tick, failures ? Math.min(10_000, POLL_MS * 2 ** failures) : POLL_MS);
}

function start() {
  takeTokenFromUrl();
  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setToken($('#token').value);
    try {
      await ksql('SHOW QUERIES;');
      $('#login-error').textContent = '';
      showAuth(false);
      state.sourcesAt = 0;
    } catch (e) {
      $('#login-error').textContent = e instanceof AuthError ? 'wrong token' : e.message;
    }
  });
  new Editor($('#editor'), {
    sources: () => state.sources,
    onChange: () => {
      state.sourcesAt = 0;
    },
  });
  serverInfo()
    .then((i) => ($('#server').textContent = `server ${i.KsqlServerInfo.version} · ${i.KsqlServerInfo.ksqlServiceId}`))
    .catch((e) => e instanceof AuthError && showAuth(true));
  window.addEventListener('resize', () => charts.resize());
  void tick();
}

start();
