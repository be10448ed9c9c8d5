// The dashboard's three charts, drawn with uPlot (a small canvas charting library, copied into vendor/ by
// vendor.mjs): customers per segment, the lifetime-value distribution and the retention what-if. Each chart
// sits in a <figure> whose caption names it and whose data table (in a <details>) says the same in text, for
// screen readers and for anyone who wants the numbers.

import uPlot from "./vendor/uPlot.esm.js";

const INK = "#1d3b53";
const BAR = "#2f6f9f";
const LINE = "#b2452c";

/** @param {HTMLElement} el */
function widthOf(el) {
  return Math.max(280, Math.floor(el.getBoundingClientRect().width || 360));
}

/** @type {Map<HTMLElement, uPlot>} */
const plots = new Map();

/**
 * Draws (or redraws) a chart into `el`.
 * @param {HTMLElement} el
 * @param {Omit<uPlot.Options, "width" | "height">} opts
 * @param {uPlot.AlignedData} data
 */
function draw(el, opts, data) {
  plots.get(el)?.destroy();
  el.replaceChildren();
  const plot = new uPlot({ ...opts, width: widthOf(el), height: 220, legend: { show: false } }, data, el);
  // uPlot's canvas is a picture of the numbers in the figure's table: name it for assistive technology.
  plot.root.setAttribute("aria-hidden", "true");
  plots.set(el, plot);
}

/** @param {string} stroke */
function axis(stroke) {
  return { stroke, grid: { stroke: "#d9e2ea", width: 1 }, ticks: { stroke: "#d9e2ea", width: 1 } };
}

/**
 * Vertical bars over categories `0..labels.length-1`.
 * @param {HTMLElement} el
 * @param {string[]} labels
 * @param {number[]} values
 * @param {(v: number) => string} formatY
 */
export function barChart(el, labels, values, formatY) {
  const xs = labels.map((_, i) => i);
  draw(
    el,
    {
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
      axes: [
        { ...axis(INK), rotate: -35, size: 90, splits: () => xs, values: (_u, splits) => splits.map((i) => labels[i] ?? ""), gap: 4 },
        { ...axis(INK), size: 60, values: (_u, splits) => splits.map(formatY) },
      ],
      series: [{}, { stroke: BAR, fill: BAR, width: 0, paths: uPlot.paths.bars?.({ size: [0.7, 60] }), points: { show: false } }],
      cursor: { show: false },
    },
    [xs, values],
  );
}

/**
 * A histogram: bars starting at each edge.
 * @param {HTMLElement} el
 * @param {number[]} edges
 * @param {number[]} counts
 * @param {(v: number) => string} formatX
 * @param {(v: number) => string} formatY
 */
export function histogramChart(el, edges, counts, formatX, formatY) {
  const width = edges.length > 1 ? /** @type {number} */ (edges[1]) - /** @type {number} */ (edges[0]) : 1;
  const mids = edges.map((e) => e + width / 2);
  draw(
    el,
    {
      scales: { x: { time: false, range: [0, (edges.at(-1) ?? 0) + width] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
      axes: [
        { ...axis(INK), size: 50, values: (_u, splits) => splits.map(formatX) },
        { ...axis(INK), size: 60, values: (_u, splits) => splits.map(formatY) },
      ],
      series: [{}, { stroke: BAR, fill: BAR, width: 0, paths: uPlot.paths.bars?.({ size: [0.9, 100], align: 0 }), points: { show: false } }],
      cursor: { show: false },
    },
    [mids, counts],
  );
}

/**
 * A line with points.
 * @param {HTMLElement} el
 * @param {number[]} xs
 * @param {number[]} ys
 * @param {(v: number) => string} formatX
 * @param {(v: number) => string} formatY
 */
export function lineChart(el, xs, ys, formatX, formatY) {
  draw(
    el,
    {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
      axes: [
        { ...axis(INK), size: 50, values: (_u, splits) => splits.map(formatX) },
        { ...axis(INK), size: 100, values: (_u, splits) => splits.map(formatY) },
      ],
      series: [{}, { stroke: LINE, width: 2, points: { show: true, size: 7, fill: LINE } }],
      cursor: { show: false },
    },
    [xs, ys],
  );
}
