// The console page: polls SHOW QUERIES, each query's progress and the processing log once a second
// (paused while the tab is hidden), the streams, tables and topics every five seconds, and draws
// the selected query's charts and plan (with EXPLAIN ANALYZE's per-operator figures on demand). Everything it shows comes from the HTTP API's existing endpoints.

import { AuthError, ksql, processingLog, progress, serverInfo, setToken, takeTokenFromUrl, topics } from './api.js';
import { ChartPanel, History } from './charts.js';
import { Editor } from './editor.js';
import { renderPlan, showLive } from './plan.js';

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
  topics: [],
  sourcesAt: 0,
  log: [],
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
    const sub = el(
      'div',
      'sub muted',
      `${q.queryType}${q.sinks.length ? ` → ${q.sinks.join(', ')}` : ''}${p ? ` · ${fmtInt(p.batchId)} batches · ${fmtInt(p.numInputRows)} in · ${fmtInt(p.sink.numOutputRows)} out` : ''}`,
    );
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

async function loadPlan(id, analyze = false) {
  const root = $('#plan');
  const status = $('#analyze-status');
  const button = $('#analyze');
  button.disabled = true;
  if (analyze) status.textContent = 'analyzing…';
  try {
    const [e] = await ksql(`EXPLAIN ${analyze ? 'ANALYZE ' : ''}${id};`);
    if (state.selected !== id) return;
    if (e?.message) {
      renderPlan(root, e.message);
      showLive(root, state.latest.get(id)?.eddy?.operators);
    }
    status.textContent = analyze ? `figures of ${new Date().toLocaleTimeString()}` : '';
  } catch (err) {
    if (state.selected !== id) return;
    if (analyze) status.textContent = `EXPLAIN ANALYZE failed: ${err.message}`;
    else root.textContent = `EXPLAIN failed: ${err.message}`;
  } finally {
    if (state.selected === id) button.disabled = false;
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
  $('#analyze-status').textContent = '';
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
  for (const id of [...state.histories.keys()]) if (!ids.has(id)) state.histories.delete(id), state.latest.delete(id);
  if (!state.selected || !ids.has(state.selected)) {
    // The first persistent query, else any: push queries come and go with their clients.
    const first = state.queries.find((q) => q.queryType === 'PERSISTENT') ?? state.queries[0];
    if (first) select(first.id);
    else state.selected = undefined;
  }
  renderQueries();
  renderStats();
  if (state.selected) showLive($('#plan'), state.latest.get(state.selected)?.eddy?.operators);
  const h = state.histories.get(state.selected);
  if (h) charts.draw(h);
}

async function pollSources() {
  state.topics = (await topics()).topics;
  const entities = await ksql('SHOW STREAMS; SHOW TABLES;');
  const list = [...(entities[0]?.streams ?? []), ...(entities[1]?.tables ?? [])];
  const described = list.length ? await ksql(list.map((s) => `DESCRIBE \`${s.name.replace(/`/g, '``')}\`;`).join(' ')) : [];
  state.sources = list.map((s, i) => {
    const d = described[i]?.sourceDescription;
    return {
      name: s.name,
      type: s.type,
      topic: s.topic,
      keyFormat: s.keyFormat,
      valueFormat: s.valueFormat,
      windowed: s.isWindowed,
      fields: (d?.fields ?? []).map((f) => ({ name: f.name, type: f.schema.type, key: f.type === 'KEY' })),
    };
  });
  renderSources();
  renderTopics();
}

function topicSize(t) {
  return `${fmtInt(t.records)} record${t.records === 1 ? '' : 's'} in ${t.partitions} partition${t.partitions === 1 ? '' : 's'}`;
}

function renderTopics() {
  const body = $('#topics tbody');
  body.innerHTML = '';
  if (!state.topics.length) {
    const tr = el('tr');
    tr.append(el('td', 'muted', 'none yet'));
    body.append(tr);
  }
  for (const t of state.topics) {
    const tr = el('tr');
    tr.dataset.topic = t.name;
    tr.title = `end offsets by partition: ${t.endOffsets.join(', ')}`;
    tr.append(el('td', 'name', t.name), el('td', 'num records', fmtInt(t.records)), el('td', 'num muted', `${t.partitions} p`));
    body.append(tr);
  }
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
    const t0 = state.topics.find((t) => t.name === s.topic);
    sum.append(
      el('span', `kind kind-${s.type.toLowerCase()}`, s.type),
      el('span', 'name', s.name),
      el('span', 'muted small', ` ${s.topic} · ${s.keyFormat}/${s.valueFormat}${s.windowed ? ' · windowed' : ''}`),
    );
    if (t0) sum.append(el('div', 'size muted small', topicSize(t0)));
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

async function pollLog() {
  state.log = (await processingLog(500)).entries;
  renderLog();
}

function renderLog() {
  const select = $('#log-query');
  const ids = [...new Set([...state.queries.map((q) => q.id), ...state.log.map((e) => e.queryId).filter((q) => q)])].sort();
  const chosen = select.value;
  if (
    [...select.options]
      .slice(1)
      .map((o) => o.value)
      .join('\n') !== ids.join('\n')
  ) {
    select.length = 1;
    for (const id of ids) select.append(new Option(id, id));
    select.value = ids.includes(chosen) ? chosen : '';
  }
  const text = $('#log-filter').value.trim().toLowerCase();
  const query = select.value;
  const shown = state.log.filter((e) => (!query || e.queryId === query) && (!text || [e.queryId, e.topic, e.reason].some((v) => v && v.toLowerCase().includes(text))));
  const body = $('#log tbody');
  body.innerHTML = '';
  if (!shown.length) {
    const td = el('td', 'muted', state.log.length ? 'no entry matches' : 'no entries: every record so far was processed');
    td.colSpan = 6;
    const tr = el('tr');
    tr.append(td);
    body.append(tr);
  }
  for (const e of shown) {
    const tr = el('tr', 'entry');
    const at = new Date(e.loggedAt);
    const time = el('td', 'time', at.toLocaleTimeString());
    time.title = at.toISOString();
    tr.append(
      time,
      el('td', 'query', e.queryId ?? '–'),
      el('td', 'topic', e.topic ?? '–'),
      el('td', 'partition', e.partition ?? '–'),
      el('td', 'offset', e.offset ?? '–'),
      el('td', 'reason', e.reason),
    );
    body.append(tr);
  }
  $('#log-count').textContent = `${shown.length} of ${state.log.length} shown`;
}

let failures = 0;

async function tick() {
  if (!document.hidden && !state.authNeeded) {
    try {
      await pollQueries();
      await pollLog();
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
  $('#analyze').addEventListener('click', () => state.selected && void loadPlan(state.selected, true));
  $('#log-filter').addEventListener('input', renderLog);
  $('#log-query').addEventListener('change', renderLog);
  window.addEventListener('resize', () => charts.resize());
  void tick();
}

start();
