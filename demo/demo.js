// The demo page: draw or pick a digit, compress it with both shipped models in the page, decode it
// again and compare. Plain ES module; bbans comes from the bundle that `npm run build:browser` makes.
import * as bbans from './lib/bbans.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const BINARY_THRESHOLD = 128; // the package's threshold rule, for drawings
// mnist-test-sample.bin (demo/make-sample.ts): count labels, count x 784 8-bit pixels, then the
// same count x 784 as the benchmark binarized them (0/1).
const SAMPLE_FILE = 'mnist-test-sample.bin';
const MODELS = ['mnist-8bit', 'mnist-binary'];

// The tests and the browser console reach the library and the page through these.
window.bbans = bbans;
const page = (window.demo = { state: 'loading', last: undefined });

const pad = document.getElementById('pad');
const statusLine = document.getElementById('status');
const sourceLine = document.getElementById('source');
const binaryRule = document.querySelector('.binary-rule');

/** The digit on the pad: 8-bit pixels, and the binary pixels the binary model codes. */
let gray = new Uint8Array(PIXELS);
let binary = new Uint8Array(PIXELS);

function setState(state, text) {
  page.state = state;
  document.body.dataset.state = state;
  statusLine.textContent = text;
}

/** Paints pixels (0 = black .. max = white) onto a 28x28 canvas. */
function paint(canvas, pixels, max = 255) {
  const context = canvas.getContext('2d');
  const image = context.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) {
    const v = Math.round((pixels[i] * 255) / max);
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
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
  sourceLine.textContent = 'Your drawing; the binary model codes it thresholded at 128.';
  binaryRule.textContent = `pixels ≥ ${BINARY_THRESHOLD} → 1`;
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
  sourceLine.textContent = `MNIST test digit #${index} (a ${sample.label}); the binary model codes the benchmark's binarization of it.`;
  binaryRule.textContent = 'benchmark binarization';
  document.querySelectorAll('#samples canvas').forEach((c, i) => c.classList.toggle('selected', i === index));
  paint(pad, gray);
  return compressDigit();
}

// --- compression, one run at a time (a drawing may finish while the previous run is going)
let running = Promise.resolve();

function compressDigit() {
  running = running.then(compressBothModels, compressBothModels);
  return running;
}

function pngSize(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob.size) : reject(new Error('toBlob failed'))), 'image/png'));
}

async function roundTrip(model, pixels, row) {
  const started = performance.now();
  const bytes = await bbans.compress(pixels, { model, chains: 1 });
  const decoded = await bbans.decompress(bytes);
  const milliseconds = performance.now() - started;
  const equal = decoded.data.length === pixels.length && decoded.data.every((v, i) => v === pixels[i]);
  const maxValue = model === 'mnist-binary' ? 1 : 255;
  const coded = row.querySelector('canvas.coded');
  paint(coded, pixels, maxValue);
  paint(row.querySelector('canvas.decoded'), decoded.data, maxValue);
  const png = await pngSize(coded);
  const { message } = bbans.readHeader(bytes);
  row.querySelector('.size').innerHTML = `<b>${bytes.length * 8} bits</b><br><span class="note">${bytes.length} B: header ${bytes.length - message.length}, message ${message.length}</span>`;
  row.querySelector('.png').innerHTML = `${png * 8} bits<br><span class="note">${png} B</span>`;
  const check = row.querySelector('.check');
  check.className = `check ${equal ? 'ok' : 'bad'}`;
  check.textContent = equal ? 'identical ✓' : 'DIFFERENT ✗';
  return { model, bytes: bytes.length, png, equal, milliseconds };
}

async function compressBothModels() {
  setState('busy', 'Compressing…');
  try {
    const results = [];
    for (const model of MODELS) {
      const row = document.querySelector(`tr[data-model="${model}"]`);
      results.push(await roundTrip(model, model === 'mnist-binary' ? binary : gray, row));
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

async function start() {
  paint(pad, gray);
  const [samples] = await Promise.all([loadSamples(), ...MODELS.map((name) => bbans.loadModel(name))]);
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
