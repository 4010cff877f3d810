// Charts drawn on the server as SVG: readable without JavaScript, crisp in screenshots, and
// allowed by the strict CSP (presentation attributes only, no inline style). Each bar and point
// carries a <title> with its exact number; the page puts the chart's table beside it.

export interface Point { label: string; value: number; text?: string }
export interface Series { name: string; points: Point[] }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLORS = ['#4f46e5', '#0e7a55', '#d97706', '#c2283a', '#0891b2'];
// Numbers in the page's language ("2,5" in German); no grouping, so axis labels stay short.
const fmt = (n: number, locale = 'en') => new Intl.NumberFormat(locale, { useGrouping: false, minimumFractionDigits: Number.isInteger(n) ? 0 : 1, maximumFractionDigits: Number.isInteger(n) ? 0 : 1 }).format(n);

// A "nice" axis top: 1, 2 or 5 × 10^k at or above the largest value.
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((k) => k * p >= v) ?? 10) * p;
}

function frame(title: string, w: number, h: number, inner: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${inner}</svg>`;
}

function axis(top: number, x0: number, x1: number, y0: number, y1: number, locale?: string): string {
  const ticks = [0, 0.5, 1].map((k) => {
    const y = y1 - (y1 - y0) * k;
    return `<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="#e4e7ec"/><text x="${x0 - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#7b8497">${fmt(top * k, locale)}</text>`;
  });
  return ticks.join('');
}

// Labels thinned so at most ~12 show along the bottom.
const showLabel = (i: number, n: number) => n <= 12 || i % Math.ceil(n / 12) === 0 || i === n - 1;

export function barChart(title: string, points: Point[], opts: { width?: number; height?: number; unit?: string; locale?: string } = {}): string {
  const w = opts.width ?? 560;
  const h = opts.height ?? 220;
  const [x0, x1, y0, y1] = [44, w - 8, 12, h - 28];
  const top = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const slot = (x1 - x0) / Math.max(1, points.length);
  const bars = points.map((p, i) => {
    const bh = ((y1 - y0) * Math.max(0, p.value)) / top;
    const x = x0 + i * slot + slot * 0.15;
    const label = showLabel(i, points.length) ? `<text x="${(x0 + i * slot + slot / 2).toFixed(1)}" y="${y1 + 16}" text-anchor="middle" font-size="11" fill="#4a5468">${esc(p.label)}</text>` : '';
    return `<g class="bar"><title>${esc(p.label)}: ${esc(p.text ?? fmt(p.value, opts.locale))}${opts.unit ? ` ${esc(opts.unit)}` : ''}</title><rect x="${x.toFixed(1)}" y="${(y1 - bh).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" rx="2" fill="${COLORS[0]}"/></g>${label}`;
  });
  return frame(title, w, h, axis(top, x0, x1, y0, y1, opts.locale) + bars.join(''));
}

// Horizontal bars for named categories (channels, agents, contributors, tickets).
export function hbarChart(title: string, points: Point[], opts: { width?: number; unit?: string; locale?: string } = {}): string {
  const w = opts.width ?? 560;
  const row = 24;
  const h = Math.max(1, points.length) * row + 8;
  const [x0, x1] = [150, w - 60];
  const top = Math.max(0, ...points.map((p) => p.value)) || 1;
  const bars = points.map((p, i) => {
    const y = 4 + i * row;
    const bw = ((x1 - x0) * Math.max(0, p.value)) / top;
    const text = p.text ?? fmt(p.value, opts.locale);
    const name = p.label.length > 22 ? `${p.label.slice(0, 21)}…` : p.label;
    return `<g class="bar"><title>${esc(p.label)}: ${esc(text)}${opts.unit ? ` ${esc(opts.unit)}` : ''}</title><text x="${x0 - 8}" y="${y + 15}" text-anchor="end" font-size="12" fill="#4a5468">${esc(name)}</text><rect x="${x0}" y="${y + 3}" width="${bw.toFixed(1)}" height="${row - 8}" rx="2" fill="${COLORS[0]}"/><text x="${(x0 + bw + 6).toFixed(1)}" y="${y + 15}" font-size="12" fill="#1d2433">${esc(text)}</text></g>`;
  });
  return frame(title, w, h, bars.join(''));
}

export function lineChart(title: string, series: Series[], opts: { width?: number; height?: number; locale?: string } = {}): string {
  const w = opts.width ?? 560;
  const h = opts.height ?? 220;
  const [x0, x1, y0, y1] = [44, w - 24, 24, h - 28];
  const n = Math.max(1, ...series.map((s) => s.points.length));
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.value))));
  const x = (i: number) => (n === 1 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * i) / (n - 1));
  const y = (v: number) => y1 - ((y1 - y0) * Math.max(0, v)) / top;
  const labels = (series[0]?.points ?? []).map((p, i) => (showLabel(i, n) ? `<text x="${x(i).toFixed(1)}" y="${y1 + 16}" text-anchor="middle" font-size="11" fill="#4a5468">${esc(p.label)}</text>` : '')).join('');
  const legend = series.map((s, k) => `<g><rect x="${x0 + k * 110}" y="4" width="10" height="10" rx="2" fill="${COLORS[k % COLORS.length]}"/><text x="${x0 + k * 110 + 14}" y="13" font-size="11" fill="#4a5468">${esc(s.name)}</text></g>`).join('');
  const lines = series.map((s, k) => {
    const color = COLORS[k % COLORS.length];
    const path = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p.value).toFixed(1)}`).join(' ');
    const dots = s.points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${color}"><title>${esc(s.name)}, ${esc(p.label)}: ${esc(p.text ?? fmt(p.value, opts.locale))}</title></circle>`).join('');
    return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}`;
  });
  return frame(title, w, h, axis(top, x0, x1, y0, y1, opts.locale) + labels + legend + lines.join(''));
}
