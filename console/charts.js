// A query's figures over time: a rolling window of points kept in the page (the server keeps no
// history), one point per poll in which the query committed a batch, as Spark's UI plots one per
// batch; drawn with uPlot (loaded as the global `uPlot` from /console/uplot.min.js).

/* global uPlot */

/** What each chart plots, read from a StreamingQueryProgress. */
export const FIGURES = [
  { key: 'inputRate', title: 'Input rate', unit: 'rows/s', of: (p) => p.inputRowsPerSecond },
  { key: 'processRate', title: 'Processing rate', unit: 'rows/s of batch time', of: (p) => p.processedRowsPerSecond },
  { key: 'batchMs', title: 'Batch duration', unit: 'ms', of: (p) => p.durationMs.triggerExecution },
  { key: 'latencyMs', title: 'Latency', unit: 'ms, commit − ROWTIME', of: (p) => p.eddy.latencyMs },
  { key: 'lag', title: 'Lag', unit: 'records', of: (p) => p.eddy.lag },
  { key: 'lateDropped', title: 'Late dropped', unit: 'records, total', of: (p) => p.eddy.lateDropped },
  { key: 'stateRows', title: 'State size', unit: 'rows', of: (p) => p.stateOperators.reduce((a, o) => a + o.numRowsTotal, 0) },
];

/** Points kept per query: 10 minutes of one-second polls. */
const WINDOW = 600;

/** Seconds between two points past which the lines break (polls are a second apart). */
const IDLE_GAP_S = 3;

/** One query's rolling window. */
export class History {
  constructor() {
    this.t = [];
    this.values = Object.fromEntries(FIGURES.map((f) => [f.key, []]));
    this.batches = [];
    this.rows = [];
    this.last = undefined;
    this.points = 0;
  }

  /** Points observed (the gap markers below not counted). */
  get length() {
    return this.points;
  }

  push(t, values, batches, rows) {
    this.t.push(t);
    for (const f of FIGURES) this.values[f.key].push(values === null ? null : (f.of(values) ?? null));
    this.batches.push(batches);
    this.rows.push(rows);
  }

  /** Adds a point if a batch committed since the last one; returns whether it did. */
  observe(p) {
    const prev = this.last;
    this.last = p;
    if (prev ? p.batchId <= prev.batchId : p.batchId === 0) return false;
    const t = Date.parse(p.timestamp) / 1000;
    // An idle spell (no batch for a few polls) is a break in the lines, not a slope across it.
    const lastT = this.t[this.t.length - 1];
    if (lastT !== undefined && t - lastT > IDLE_GAP_S) this.push(lastT + 1, null, null, null);
    // The first point has nothing before it to subtract: no bar.
    this.push(t, p, prev ? p.batchId - prev.batchId : null, prev ? p.numInputRows - prev.numInputRows : null);
    this.points++;
    while (this.t.length > WINDOW) {
      this.t.shift();
      for (const f of FIGURES) this.values[f.key].shift();
      this.batches.shift();
      this.rows.shift();
    }
    return true;
  }
}

/** Time-axis steps of a second or more: the polls are a second apart, finer ticks only crowd. */
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

const COLORS = ['#2f6fdf', '#1a9c6b', '#d08a1c', '#b0399e', '#c43d3d', '#6b5bd6', '#2a8fa8'];

function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function lineOptions(title, unit, color, width) {
  return {
    width,
    height: 150,
    title,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#667', grid: { stroke: '#eee' }, size: 30, incrs: TIME_INCRS },
      { stroke: '#667', grid: { stroke: '#eee' }, size: 50, values: (_u, vals) => vals.map(fmt) },
    ],
    series: [{}, { label: unit, stroke: color, width: 1.5, fill: `${color}22`, points: { size: 4 } }],
  };
}

/** The charts of the selected query, redrawn from its History after each poll. */
export class ChartPanel {
  constructor(root) {
    this.root = root;
    this.charts = [];
    this.timeline = undefined;
  }

  width() {
    const cell = this.root.querySelector('.chart');
    return Math.max(220, (cell?.clientWidth ?? 300) - 16);
  }

  timelineWidth() {
    return Math.max(220, (this.timelineCell?.clientWidth ?? this.root.clientWidth) - 16);
  }

  /** Builds empty charts (on first use and when the selected query changes). */
  reset() {
    for (const c of this.charts) c.plot.destroy();
    this.timeline?.destroy();
    this.root.innerHTML = '';
    this.charts = FIGURES.map((f, i) => {
      const cell = document.createElement('div');
      cell.className = 'chart';
      cell.dataset.figure = f.key;
      cell.dataset.points = '0';
      const now = document.createElement('div');
      now.className = 'now';
      cell.append(now);
      this.root.append(cell);
      return { f, cell, now, plot: undefined, color: COLORS[i % COLORS.length] };
    });
    const w = this.width();
    for (const c of this.charts) c.plot = new uPlot(lineOptions(c.f.title, c.f.unit, c.color, w), [[], []], c.cell);
    const cell = document.createElement('div');
    cell.className = 'chart wide';
    cell.dataset.figure = 'timeline';
    cell.dataset.points = '0';
    this.root.append(cell);
    this.timelineCell = cell;
    const bars = uPlot.paths.bars({ size: [0.6, 12] });
    this.timeline = new uPlot(
      {
        width: this.timelineWidth(),
        height: 150,
        title: 'Batch timeline: batches committed and rows read per poll',
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, b: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] }, r: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
        axes: [
          { stroke: '#667', grid: { stroke: '#eee' }, size: 30, incrs: TIME_INCRS },
          { scale: 'b', stroke: '#2f6fdf', grid: { stroke: '#eee' }, size: 40, values: (_u, vals) => vals.map(fmt) },
          { scale: 'r', side: 1, stroke: '#d08a1c', grid: { show: false }, size: 50, values: (_u, vals) => vals.map(fmt) },
        ],
        series: [
          {},
          { label: 'batches', scale: 'b', stroke: '#2f6fdf', fill: '#2f6fdf88', paths: bars, points: { show: false } },
          { label: 'rows read', scale: 'r', stroke: '#d08a1c', width: 1.5, points: { show: true, size: 4 } },
        ],
      },
      [[], [], []],
      cell,
    );
  }

  draw(h) {
    if (!this.charts.length) this.reset();
    for (const c of this.charts) {
      c.plot.setData([h.t, h.values[c.f.key]]);
      c.cell.dataset.points = String(h.length);
      const v = h.values[c.f.key];
      c.now.textContent = v.length ? `${fmt(v[v.length - 1])} ${c.f.unit.split(',')[0]}` : 'no batch yet';
    }
    this.timeline.setData([h.t, h.batches, h.rows]);
    this.timelineCell.dataset.points = String(h.length);
  }

  resize() {
    const w = this.width();
    for (const c of this.charts) c.plot.setSize({ width: w, height: 150 });
    this.timeline?.setSize({ width: this.timelineWidth(), height: 150 });
  }
}
