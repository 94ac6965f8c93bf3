// A query's plan as a tree of operator boxes, read from EXPLAIN's text (runtime/explain.ts prints
// the operator tree in pre-order, two spaces and `└─ ` per level, sink first, each operator above
// the ones that feed it), so the console draws exactly what EXPLAIN says. EXPLAIN ANALYZE's text
// is the same tree with `  [rows in N, T ms]` after each operator and a summary line after it;
// the console draws those figures in the boxes. Each box also shows the running query's live
// record counts (the progress JSON's `eddy.operators`, the same tree in the same order), updated
// with every poll.

const ANALYZED = /\s+\[rows in (\d+), ([\d.]+) ms\]$/;
const SUMMARY = /^Analyzed over /;

/** { header, roots, summary } where Node = { operator, detail, state, children, rowsIn?, ms? }. */
export function parsePlan(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Micro-batch plan'));
  const header = start >= 0 ? lines.slice(0, start) : [];
  const roots = [];
  const stack = [];
  let summary = '';
  for (const raw of start >= 0 ? lines.slice(start + 1) : lines) {
    if (SUMMARY.test(raw)) {
      summary = raw;
      break;
    }
    const a = ANALYZED.exec(raw);
    const line = a ? raw.slice(0, a.index) : raw;
    const m = /^( *)(?:└─ )?([^:]+?)(?:: (.*))?$/.exec(line);
    if (!m || !m[2]) continue;
    const depth = Math.floor(m[1].length / 2);
    const [detail, state] = (m[3] ?? '').split('; state: ');
    const node = { operator: m[2], detail: detail ?? '', state: state ?? '', children: [], ...(a ? { rowsIn: Number(a[1]), ms: Number(a[2]) } : {}) };
    stack.length = Math.min(stack.length, depth);
    if (depth === 0 || !stack.length) roots.push(node);
    else stack[stack.length - 1].children.push(node);
    stack.push(node);
  }
  // Rows out of an operator are rows into the one it feeds, when that one has no other input;
  // the sink's are the output rows the summary counts.
  const out = /, (\d+) output rows?\./.exec(summary);
  const walk = (n) => {
    for (const c of n.children) {
      if (n.children.length === 1 && n.rowsIn !== undefined) c.rowsOut = n.rowsIn;
      walk(c);
    }
  };
  for (const r of roots) {
    if (out && roots.length === 1) r.rowsOut = Number(out[1]);
    walk(r);
  }
  return { header, roots, summary };
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (n) => n.toLocaleString('en');

function nodeElement(n) {
  const li = el('li');
  const box = el('div', `op op-${/Source$/.test(n.operator) ? 'source' : /Sink$/.test(n.operator) ? 'sink' : 'mid'}`);
  box.dataset.operator = n.operator;
  box.append(el('div', 'op-name', n.operator), el('div', 'op-detail', n.detail));
  if (n.state) box.append(el('div', 'op-state', `state: ${n.state}`));
  if (n.rowsIn !== undefined) {
    const f = el('div', 'op-figures');
    f.append(el('span', 'op-rows-in', `${fmt(n.rowsIn)} in`));
    if (n.rowsOut !== undefined) f.append(el('span', 'op-rows-out', `${fmt(n.rowsOut)} out`));
    f.append(el('span', 'op-ms', `${n.ms} ms`));
    f.title = 'EXPLAIN ANALYZE: rows in and out, and time in this operator, of one run over what the sources hold';
    box.append(f);
  }
  li.append(box);
  if (n.children.length) {
    const ul = el('ul');
    for (const c of n.children) ul.append(nodeElement(c));
    li.append(ul);
  }
  return li;
}

/**
 * Writes the running query's live counts into the boxes: `operators` is the progress JSON's
 * `eddy.operators`, EXPLAIN's pre-order, which is the boxes' document order. A tree that does not
 * match box for box (a plan drawn before a CREATE OR REPLACE) is left as it is.
 */
export function showLive(root, operators) {
  const boxes = [...root.querySelectorAll('.op')];
  if (!operators || boxes.length !== operators.length || boxes.some((b, i) => b.dataset.operator !== operators[i].operator)) return;
  boxes.forEach((box, i) => {
    const o = operators[i];
    let live = box.querySelector('.op-live');
    if (!live) {
      live = el('div', 'op-live');
      live.title = 'live: records in and out since the query started in this server process';
      live.append(el('span', 'op-live-in'), el('span', 'op-live-out'));
      box.querySelector('.op-detail').after(live);
    }
    live.children[0].textContent = `${fmt(o.recordsIn)} in`;
    live.children[1].textContent = `${fmt(o.recordsOut)} out`;
  });
}

export function renderPlan(root, text) {
  const { header, roots, summary } = parsePlan(text);
  root.innerHTML = '';
  const output = header.find((l) => l.startsWith('Output: '));
  if (output) root.append(el('div', 'plan-output', output));
  const ul = el('ul', 'tree');
  for (const r of roots) ul.append(nodeElement(r));
  root.append(ul);
  if (summary) root.append(el('div', 'plan-summary', `EXPLAIN ANALYZE: ${summary}`));
  const hint = el('div', 'hint', 'Rows flow upward: each operator reads the ones below it. In each box: ');
  hint.append(el('span', 'legend-live', 'live records in / out since the query started in this server'));
  if (summary) hint.append(', ', el('span', 'legend-analyze', "EXPLAIN ANALYZE's rows and time"));
  hint.append('.');
  root.append(hint);
}
