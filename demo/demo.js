// The demo page: draw or pick a digit, compress it with all four shipped models in the page, decode
// it again and compare, and map where each model spends its bits. Plain ES module; bbans comes from
// the bundle that `npm run build:browser` makes.
import * as bbans from './lib/bbans.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const BINARY_THRESHOLD = 128; // the package's threshold rule, for drawings
// mnist-test-sample.bin (demo/make-sample.ts): count labels, count x 784 8-bit pixels, then the
// same count x 784 as the benchmark binarized them (0/1).
const SAMPLE_FILE = 'mnist-test-sample.bin';
// The shipped models, grouped by the pixels they code (the 8-bit digit, or its binarization).
const MODELS = [
  { name: 'mnist-8bit-ar', binary: false },
  { name: 'mnist-8bit', binary: false },
  { name: 'mnist-binary-ar', binary: true },
  { name: 'mnist-binary', binary: true },
];
// The cost maps come in these two groups: a binary model's map is darker because it codes less.
const PIXEL_KINDS = [
  { binary: false, label: 'the 8-bit digit' },
  { binary: true, label: 'its binarization' },
];
// What bbans picks when no model is named; the page marks them so the table reads as a recommendation.
const DEFAULT_MODELS = new Set(Object.values(bbans.BEST_SHIPPED_MODEL));
// One colour scale for every cost map, so the four compare: 0 bits is black, this many or more is
// the scale's top. 8-bit pixels on stroke edges reach ~12 bits; most of the digit sits well below 8.
const COST_SCALE_BITS = 8;
const COST_TICKS = [0, 2, 4, 6, 8];
// matplotlib's inferno, 11 even samples: perceptually uniform, so equal steps in bits look equal,
// and unlike a grey ramp a cost map can't be mistaken for the digit itself.
const INFERNO = ['000004', '160b39', '420a68', '6a176e', '932667', 'bc3754', 'dd513a', 'f37819', 'fca50a', 'f6d746', 'fcffa4'].map((hex) =>
  [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16)),
);

// The tests and the browser console reach the library and the page through these.
window.bbans = bbans;
const page = (window.demo = { state: 'loading', last: undefined });

const pad = document.getElementById('pad');
const statusLine = document.getElementById('status');
const sourceLine = document.getElementById('source');

/** The digit on the pad: 8-bit pixels, and the binary pixels the binary models code. */
let gray = new Uint8Array(PIXELS);
let binary = new Uint8Array(PIXELS);

function setState(state, text) {
  page.state = state;
  document.body.dataset.state = state;
  statusLine.textContent = text;
}

/** Fills every pixel of the canvas, row-major, with colourOf(index) = [r, g, b]. */
function putPixels(canvas, colourOf) {
  const context = canvas.getContext('2d');
  const image = context.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < canvas.width * canvas.height; i++) image.data.set([...colourOf(i), 255], 4 * i);
  context.putImageData(image, 0, 0);
}

/** Paints pixels (0 = black .. max = white) onto a 28x28 canvas. */
function paint(canvas, pixels, max = 255) {
  putPixels(canvas, (i) => {
    const v = Math.round((pixels[i] * 255) / max);
    return [v, v, v];
  });
}

/** The cost maps' colour for a pixel costing `bits`: inferno, linear in bits, clamped at the top. */
function costColour(bits) {
  const t = Math.min(1, Math.max(0, bits / COST_SCALE_BITS)) * (INFERNO.length - 1);
  const at = Math.min(INFERNO.length - 2, Math.floor(t));
  return INFERNO[at].map((c, k) => Math.round(c + (INFERNO[at + 1][k] - c) * (t - at)));
}

function setBinaryRule(text) {
  document.querySelectorAll('.binary-rule').forEach((note) => (note.textContent = text));
}

function threshold(pixels) {
  return pixels.map((v) => (v >= BINARY_THRESHOLD ? 1 : 0));
}

// --- drawing: a soft round brush, roughly MNIST's stroke width, stamped along each movement.
const BRUSH_CORE = 0.9; // full ink within this many pixels of the pointer
const BRUSH_EDGE = 1.9; // no ink beyond this

function stamp(x, y) {
  for (let row = Math.floor(y - BRUSH_EDGE); row <= Math.ceil(y + BRUSH_EDGE); row++) {
    for (let col = Math.floor(x - BRUSH_EDGE); col <= Math.ceil(x + BRUSH_EDGE); col++) {
      if (row < 0 || col < 0 || row >= SIDE || col >= SIDE) continue;
      const distance = Math.hypot(col + 0.5 - x, row + 0.5 - y);
      const ink = Math.min(1, Math.max(0, (BRUSH_EDGE - distance) / (BRUSH_EDGE - BRUSH_CORE)));
      const i = row * SIDE + col;
      gray[i] = Math.max(gray[i], Math.round(255 * ink));
    }
  }
}

function pointerPosition(event) {
  const box = pad.getBoundingClientRect();
  return [((event.clientX - box.left) / box.width) * SIDE, ((event.clientY - box.top) / box.height) * SIDE];
}

let lastPoint;
pad.addEventListener('pointerdown', (event) => {
  pad.setPointerCapture(event.pointerId);
  if (sourceLine.dataset.source !== 'drawing') clearPad();
  lastPoint = pointerPosition(event);
  stamp(...lastPoint);
  paint(pad, gray);
});
pad.addEventListener('pointermove', (event) => {
  if (!lastPoint) return;
  const [x, y] = pointerPosition(event);
  const steps = Math.ceil(Math.hypot(x - lastPoint[0], y - lastPoint[1]) / 0.25);
  for (let s = 1; s <= steps; s++) stamp(lastPoint[0] + ((x - lastPoint[0]) * s) / steps, lastPoint[1] + ((y - lastPoint[1]) * s) / steps);
  lastPoint = [x, y];
  paint(pad, gray);
});
for (const type of ['pointerup', 'pointercancel']) {
  pad.addEventListener(type, () => {
    if (!lastPoint) return;
    lastPoint = undefined;
    binary = threshold(gray);
    compressDigit();
  });
}

function clearPad() {
  gray = new Uint8Array(PIXELS);
  binary = new Uint8Array(PIXELS);
  sourceLine.dataset.source = 'drawing';
  sourceLine.textContent = `Your drawing; the binary models code it thresholded at ${BINARY_THRESHOLD}.`;
  setBinaryRule(`pixels ≥ ${BINARY_THRESHOLD} → 1`);
  document.querySelectorAll('#samples canvas.selected').forEach((c) => c.classList.remove('selected'));
  paint(pad, gray);
}
document.getElementById('clear').addEventListener('click', clearPad);
document.getElementById('compress').addEventListener('click', () => compressDigit());

// --- the MNIST sample strip
async function loadSamples() {
  const response = await fetch(SAMPLE_FILE);
  if (!response.ok) throw new Error(`${SAMPLE_FILE}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const count = bytes.length / (1 + 2 * PIXELS);
  return Array.from({ length: count }, (_, i) => ({
    label: bytes[i],
    gray: bytes.subarray(count + i * PIXELS, count + (i + 1) * PIXELS),
    binary: bytes.subarray(count * (1 + PIXELS) + i * PIXELS, count * (1 + PIXELS) + (i + 1) * PIXELS),
  }));
}

function showSample(samples, index) {
  const sample = samples[index];
  gray = sample.gray.slice();
  binary = sample.binary.slice();
  sourceLine.dataset.source = `mnist-${index}`;
  sourceLine.textContent = `MNIST test digit #${index} (a ${sample.label}); the binary models code the benchmark's binarization of it.`;
  setBinaryRule('benchmark binarization');
  document.querySelectorAll('#samples canvas').forEach((c, i) => c.classList.toggle('selected', i === index));
  paint(pad, gray);
  return compressDigit();
}

// --- compression, one run at a time (a drawing may finish while the previous run is going). A run
// codes the pad as it is when the run starts, so requests made while one waits simply join it.
let running = Promise.resolve();
let waiting;

function compressDigit() {
  if (!waiting) {
    const run = () => {
      waiting = undefined;
      return compressAllModels();
    };
    waiting = running = running.then(run, run);
  }
  return waiting;
}

function pngSize(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob.size) : reject(new Error('toBlob failed'))), 'image/png'));
}

async function roundTrip({ name: model, binary: codesBinary }, pixels, row) {
  const started = performance.now();
  const bytes = await bbans.compress(pixels, { model, chains: 1 });
  const decoded = await bbans.decompress(bytes);
  const milliseconds = performance.now() - started;
  const equal = decoded.data.length === pixels.length && decoded.data.every((v, i) => v === pixels[i]);
  const maxValue = codesBinary ? 1 : 255;
  const coded = row.querySelector('canvas.coded');
  paint(coded, pixels, maxValue);
  paint(row.querySelector('canvas.decoded'), decoded.data, maxValue);
  const png = await pngSize(coded);
  const frames = (await bbans.describe(bytes)).segments.flatMap((segment) => segment.frames);
  const framed = frames.reduce((sum, frame) => sum + frame.bytes, 0);
  row.querySelector('.size').innerHTML = `<b>${bytes.length * 8} bits</b><br><span class="note">${bytes.length} B, header and index ${bytes.length - framed}</span>`;
  row.querySelector('.per-pixel').textContent = ((bytes.length * 8) / PIXELS).toFixed(2);
  row.querySelector('.png').innerHTML = `<b>${versusPng(bytes.length, png)}</b><br><span class="note">PNG ${png} B</span>`;
  const check = row.querySelector('.check');
  check.className = `check ${equal ? 'ok' : 'bad'}`;
  check.textContent = equal ? 'identical ✓' : 'DIFFERENT ✗';
  return { model, bytes: bytes.length, png, equal, milliseconds };
}

/** "3.1× smaller" (or larger): bbans's file against PNG's, rounded so it reads at a glance. */
function versusPng(bytes, png) {
  return bytes <= png ? `${(png / bytes).toFixed(1)}× smaller` : `${(bytes / png).toFixed(1)}× larger`;
}

/** Draws one model's cost map and its caption; returns the totals for `window.demo.last`. */
async function mapCosts(model, pixels, figure) {
  const { pixelBits, latentBits } = await bbans.pixelCosts(pixels, { model });
  putPixels(figure.querySelector('canvas'), (i) => costColour(pixelBits[i]));
  const total = pixelBits.reduce((sum, bits) => sum + bits, 0);
  figure.querySelector('.pixel-bits').textContent = total.toFixed(0);
  figure.querySelector('.latent-bits').textContent = latentBits[0].toFixed(0);
  return { pixelBits: total, latentBits: latentBits[0] };
}

async function compressAllModels() {
  setState('busy', 'Compressing…');
  try {
    const results = [];
    for (const model of MODELS) {
      const pixels = model.binary ? binary : gray;
      const result = await roundTrip(model, pixels, document.querySelector(`tr[data-model="${model.name}"]`));
      results.push({ ...result, ...(await mapCosts(model.name, pixels, document.querySelector(`figure[data-model="${model.name}"]`))) });
    }
    page.last = results;
    const ok = results.every((r) => r.equal);
    setState(ok ? 'done' : 'error', `${ok ? 'Decoded exactly' : 'Decoding differed'}: ${results.map((r) => `${r.model} ${r.milliseconds.toFixed(0)} ms`).join(', ')}.`);
  } catch (error) {
    page.last = undefined;
    setState('error', `Failed: ${error.message}`);
    throw error;
  }
}

// --- the page's per-model parts: a table row and a cost map each, from the templates in index.html
function modelLabel(element, name) {
  element.querySelector('.name').textContent = name;
  if (!DEFAULT_MODELS.has(name)) return;
  const badge = Object.assign(document.createElement('span'), { className: 'badge', textContent: 'default' });
  element.querySelector('.name').after(' ', badge);
}

/** A labelled box per kind of pixels, for the cost maps of the models that code them. */
function buildCostGroups() {
  const groups = new Map();
  for (const { binary: codesBinary, label } of PIXEL_KINDS) {
    const group = Object.assign(document.createElement('div'), { className: 'cost-group' });
    group.append(Object.assign(document.createElement('h3'), { className: 'note', textContent: label }));
    const maps = Object.assign(document.createElement('div'), { className: 'maps' });
    group.append(maps);
    document.getElementById('cost-maps').append(group);
    groups.set(codesBinary, maps);
  }
  return groups;
}

function buildModelViews() {
  const rows = document.querySelector('#results tbody');
  const mapGroups = buildCostGroups();
  for (const { name, binary: codesBinary } of MODELS) {
    const row = document.getElementById('result-row').content.firstElementChild.cloneNode(true);
    row.dataset.model = name;
    row.classList.toggle('default', DEFAULT_MODELS.has(name));
    modelLabel(row, name);
    const coded = row.querySelector('.pixels-coded');
    if (codesBinary) coded.classList.add('binary-rule');
    coded.textContent = codesBinary ? `pixels ≥ ${BINARY_THRESHOLD} → 1` : 'the 8-bit pixels';
    rows.append(row);

    const figure = document.getElementById('cost-map').content.firstElementChild.cloneNode(true);
    figure.dataset.model = name;
    figure.querySelector('canvas').setAttribute('aria-label', `bits per pixel under ${name}`);
    modelLabel(figure, name);
    mapGroups.get(codesBinary).append(figure);
  }
}

function buildCostScale() {
  const scale = document.getElementById('cost-scale');
  putPixels(scale, (i) => costColour(((i + 0.5) / scale.width) * COST_SCALE_BITS));
  const ticks = document.querySelector('.legend .ticks');
  for (const bits of COST_TICKS) {
    const tick = Object.assign(document.createElement('span'), { textContent: bits === COST_SCALE_BITS ? `≥${bits}` : String(bits) });
    tick.style.left = `${(100 * bits) / COST_SCALE_BITS}%`;
    ticks.append(tick);
  }
}

async function start() {
  buildModelViews();
  buildCostScale();
  paint(pad, gray);
  const [samples] = await Promise.all([loadSamples(), ...MODELS.map(({ name }) => bbans.loadModel(name))]);
  const strip = document.getElementById('samples');
  samples.forEach((sample, index) => {
    const thumbnail = document.createElement('canvas');
    thumbnail.width = thumbnail.height = SIDE;
    thumbnail.title = `test digit #${index}: ${sample.label}`;
    paint(thumbnail, sample.gray);
    thumbnail.addEventListener('click', () => showSample(samples, index));
    strip.append(thumbnail);
  });
  page.showSample = (index) => showSample(samples, index);
  setState('ready', 'Models loaded. Draw a digit or pick one below.');
}

start().catch((error) => {
  setState('error', `Failed to start: ${error.message}`);
  throw error;
});
