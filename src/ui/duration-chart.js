import { formatDuration } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 160;
const PAD = { left: 56, right: 8, top: 10, bottom: 22 };
const MAX_BARS = 30;

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Draws finished operations' durations as bars, oldest on the left, in a fixed-size SVG (no
 * library): the y axis runs from zero to the longest duration shown; failed runs are red.
 */
export function renderDurationChart(svg, operations) {
  const finished = operations.filter((op) => op.durationMs !== null).slice(0, MAX_BARS).reverse();
  const title = svgElement('title', { id: 'chart-title' }, summary(finished));
  svg.replaceChildren(title);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const baseline = PAD.top + plotHeight;
  svg.append(svgElement('line', { class: 'axis', x1: PAD.left, y1: baseline, x2: WIDTH - PAD.right, y2: baseline }));
  svg.append(svgElement('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: baseline }));
  if (finished.length === 0) {
    svg.append(svgElement('text', { x: PAD.left + 12, y: PAD.top + plotHeight / 2 }, 'No finished operations yet'));
    return;
  }
  const longest = Math.max(1, ...finished.map((op) => op.durationMs));
  svg.append(svgElement('text', { x: PAD.left - 6, y: PAD.top + 10, 'text-anchor': 'end' }, formatDuration(longest)));
  svg.append(svgElement('text', { x: PAD.left - 6, y: baseline, 'text-anchor': 'end' }, '0'));
  const slot = plotWidth / MAX_BARS;
  finished.forEach((op, index) => {
    const height = Math.max(1, (op.durationMs / longest) * plotHeight);
    const bar = svgElement('rect', {
      class: op.status === 'failed' || op.status === 'cancelled' ? 'bar-failed' : 'bar-ok',
      x: (PAD.left + index * slot + slot * 0.15).toFixed(1),
      y: (baseline - height).toFixed(1),
      width: (slot * 0.7).toFixed(1),
      height: height.toFixed(1),
    });
    bar.append(svgElement('title', {}, `${op.kind} ${op.status}: ${formatDuration(op.durationMs)} (${op.startedAt})`));
    svg.append(bar);
  });
  svg.append(svgElement('text', { x: PAD.left, y: HEIGHT - 6 }, 'oldest'));
  svg.append(svgElement('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' }, 'newest'));
}

function summary(finished) {
  if (finished.length === 0) return 'Sync durations: no finished operations yet';
  const last = finished[finished.length - 1];
  return `Sync durations of the last ${finished.length} operations; the newest took ${formatDuration(last.durationMs)}`;
}
