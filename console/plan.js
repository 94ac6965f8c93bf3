// A query's plan as a tree of operator boxes, read from EXPLAIN's text (runtime/explain.ts prints
// the operator tree in pre-order, two spaces and `└─ ` per level, sink first, each operator above
// the ones that feed it), so the console draws exactly what EXPLAIN says.

/** { header: string[], roots: Node[] } where Node = { operator, detail, state, children }. */
export function parsePlan(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Micro-batch plan'));
  const header = start >= 0 ? lines.slice(0, start) : [];
  const roots = [];
  const stack = [];
  for (const line of start >= 0 ? lines.slice(start + 1) : lines) {
    const m = /^( *)(?:└─ )?([^:]+?)(?:: (.*))?$/.exec(line);
    if (!m || !m[2]) continue;
    const depth = Math.floor(m[1].length / 2);
    const [detail, state] = (m[3] ?? '').split('; state: ');
    const node = { operator: m[2], detail: detail ?? '', state: state ?? '', children: [] };
    stack.length = Math.min(stack.length, depth);
    if (depth === 0 || !stack.length) roots.push(node);
    else stack[stack.length - 1].children.push(node);
    stack.push(node);
  }
  return { header, roots };
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function nodeElement(n) {
  const li = el('li');
  const box = el('div', `op op-${/Source$/.test(n.operator) ? 'source' : /Sink$/.test(n.operator) ? 'sink' : 'mid'}`);
  box.append(el('div', 'op-name', n.operator), el('div', 'op-detail', n.detail));
  if (n.state) box.append(el('div', 'op-state', `state: ${n.state}`));
  li.append(box);
  if (n.children.length) {
    const ul = el('ul');
    for (const c of n.children) ul.append(nodeElement(c));
    li.append(ul);
  }
  return li;
}

export function renderPlan(root, text) {
  const { header, roots } = parsePlan(text);
  root.innerHTML = '';
  const output = header.find((l) => l.startsWith('Output: '));
  if (output) root.append(el('div', 'plan-output', output));
  const ul = el('ul', 'tree');
  for (const r of roots) ul.append(nodeElement(r));
  root.append(ul, el('div', 'hint', 'Rows flow upward: each operator reads the ones below it.'));
}
