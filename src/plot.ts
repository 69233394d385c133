// The benchmark table as a picture: one panel per dataset, one point per codec, encode speed
// (images/s, log scale) across and bits/dim (lower is better) up, each point labelled with its
// codec. The rate/speed trade-off is what the table is about, and it is seen at a glance here
// where a column of numbers has to be read. Plain SVG 1.1, no dependencies or external resources.
// Rows without an encode speed (such as "-ELBO", a bound rather than a codec) are left out.
// BB-ANS rows (codec names starting "BB-ANS") are drawn red, the baselines blue.

export interface PlotRow {
  dataset: string;
  codec: string;
  bits_per_dim: number;
  encode_img_per_s: number | null;
}

const PANEL_W = 560;
const PANEL_H = 420;
const M = { left: 64, right: 24, top: 40, bottom: 56 }; // plot area margins inside a panel
const FONT = 13;
const CHAR_W = 0.6 * FONT; // rough width of one character, for keeping labels apart

interface Box { x: number; y: number; w: number; h: number }

/** The SVG document for `rows`, panels side by side in order of each dataset's first row. */
export function ratePlotSvg(rows: PlotRow[]): string {
  const plotted = rows.filter((r) => r.encode_img_per_s !== null && r.encode_img_per_s > 0 && isFinite(r.encode_img_per_s) && isFinite(r.bits_per_dim));
  const datasets = [...new Set(plotted.map((r) => r.dataset))];
  const width = PANEL_W * Math.max(1, datasets.length);
  const body = datasets.length
    ? datasets.map((d, i) => panel(d, plotted.filter((r) => r.dataset === d), i * PANEL_W)).join('\n')
    : text(width / 2, PANEL_H / 2, 'no rows with an encode speed', 'middle');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${PANEL_H}" viewBox="0 0 ${width} ${PANEL_H}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="${FONT}">`,
    `<rect width="${width}" height="${PANEL_H}" fill="white"/>`,
    body,
    '</svg>',
  ].join('\n');
}

function panel(dataset: string, rows: PlotRow[], x0: number): string {
  const left = x0 + M.left, right = x0 + PANEL_W - M.right, top = M.top, bottom = PANEL_H - M.bottom;
  // x: whole decades around the speeds, no point on the frame; y: 0 to a round number above the worst.
  const logs = rows.map((r) => Math.log10(r.encode_img_per_s as number));
  const lo = Math.floor(Math.min(...logs) - 0.1), hi = Math.ceil(Math.max(...logs) + 0.1);
  const worst = Math.max(...rows.map((r) => r.bits_per_dim), 1e-6);
  const yStep = niceStep(worst / 5);
  const yMax = yStep * Math.ceil((worst * 1.05) / yStep);
  const px = (speed: number): number => left + ((Math.log10(speed) - lo) / (hi - lo)) * (right - left);
  const py = (bpd: number): number => bottom - (bpd / yMax) * (bottom - top);

  const out: string[] = [text(x0 + PANEL_W / 2, 24, dataset, 'middle', 'font-size="16" font-weight="bold"')];
  for (let e = Math.ceil(lo); e <= hi; e++) {
    const x = px(10 ** e);
    out.push(line(x, top, x, bottom, '#e4e4e4'), line(x, bottom, x, bottom + 5, '#333'), text(x, bottom + 19, decade(e), 'middle'));
  }
  for (let v = 0; v <= yMax + yStep / 1e6; v += yStep) {
    const y = py(v);
    out.push(line(left, y, right, y, '#e4e4e4'), line(left - 5, y, left, y, '#333'), text(left - 8, y + 4, trimNumber(v), 'end'));
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`,
    text((left + right) / 2, PANEL_H - 14, 'encode speed (images/s, log scale)', 'middle'),
    text(x0 + 18, (top + bottom) / 2, 'bits/dim (lower is better)', 'middle', `transform="rotate(-90 ${x0 + 18} ${(top + bottom) / 2})"`),
  );

  // Points first, then labels, top to bottom: each label takes the spot around its point that
  // overlaps the points (which count 5x: a hidden point is worse) and earlier labels least,
  // staying inside the plot (ties: the earliest spot). A label set apart gets a leader line.
  const points = rows.map((r) => ({ r, x: px(r.encode_img_per_s as number), y: py(r.bits_per_dim) }));
  const dots: Box[] = points.map((p) => ({ x: p.x - 5, y: p.y - 5, w: 10, h: 10 }));
  const labels: Box[] = [];
  for (const p of points) {
    const colour = p.r.codec.startsWith('BB-ANS') ? '#c0392b' : '#2c6fbb';
    out.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="4.5" fill="${colour}"/>`);
  }
  for (const p of [...points].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const w = p.r.codec.length * CHAR_W, h = FONT;
    // Beside, above or below the point, near first, then a line further away.
    const ys = [p.y - h - 3, p.y + 3, p.y - h / 2, p.y - 2 * h - 8, p.y + h + 8];
    const spots: Box[] = ys.flatMap((y) => [p.x + 7, p.x - 7 - w, p.x - w / 2].map((x) => ({ x, y, w, h })));
    const inside = (b: Box): boolean => b.x >= left + 2 && b.x + b.w <= right - 2 && b.y >= top + 2 && b.y + b.h <= bottom - 2;
    const cost = (b: Box): number =>
      (inside(b) ? 0 : 1e9) + dots.reduce((sum, d) => sum + 5 * overlap(b, d), 0) + labels.reduce((sum, l) => sum + overlap(b, l), 0);
    const spot = spots.reduce((best, b) => (cost(b) < cost(best) ? b : best));
    labels.push(spot);
    const nx = Math.min(Math.max(p.x, spot.x), spot.x + spot.w), ny = Math.min(Math.max(p.y, spot.y), spot.y + spot.h);
    if (Math.hypot(nx - p.x, ny - p.y) > 10) out.push(line(p.x, p.y, nx, ny, '#999'));
    out.push(text(spot.x, spot.y + h - 2, p.r.codec, 'start'));
  }
  return out.join('\n');
}

/** Area two boxes share. */
const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * p >= raw) ?? 10) * p;
}

const trimNumber = (v: number): string => String(Number(v.toFixed(6)));
const decade = (e: number): string => (e < 0 ? String(10 ** e) : ['1', '10', '100', '1k', '10k', '100k', '1M', '10M'][e] ?? `1e${e}`);

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}"/>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" fill="#222"${extra ? ' ' + extra : ''}>${escapeXml(content)}</text>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
