// Coder throughput: push and pop speed of the WASM rANS over a fixed 256-symbol table, for one lane
// and for many, against the C reference bench/c/rans.c on the same symbols in the same run, plus
// the per-symbol speed of the beta-binomial and Gaussian-posterior codecs.
// A script that prints a table (or JSON lines with --json), not a test.
//
// Two WASM measures: "wasm-categorical" through the public codec API (the symbols copied into WASM
// memory, the popped symbols copied out into a fresh array), and "wasm-kernel", the coder alone on
// symbols already in WASM memory, which is what the C figures time (its arrays are allocated
// before the clock starts). C is built with `gcc -O3` into a temporary folder when gcc is present.
//
//   npm run bench:coder [-- --json] [--count N] [--repeat R] [--freqs F.u32 --symbols S.u8]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Message, betaBinomial, categorical, gaussianPosterior } from '../dist/index.js';
import { core } from '../dist/wasm.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    count: { type: 'string', default: '10000000' },
    repeat: { type: 'string', default: '9' },
    freqs: { type: 'string' },
    symbols: { type: 'string' },
    lanes: { type: 'string', default: '1,2,4,8,16,64,256' },
  },
});
const repeat = Number(args.repeat);

/** The shared workload's table: p_k proportional to 0.97^k, floor-quantised, remainder on symbol 0. */
function geometricTable(precision) {
  const weights = Array.from({ length: 256 }, (_, k) => 0.97 ** k);
  const sum = weights.reduce((a, b) => a + b, 0);
  const freqs = Uint32Array.from(weights, (w) => Math.max(1, Math.floor((w / sum) * 2 ** precision)));
  freqs[0] += 2 ** precision - freqs.reduce((a, b) => a + b, 0);
  return freqs;
}

/** xorshift32: a fixed stream so every run codes the same symbols. */
function drawSymbols(freqs, count, seed = 0x9e3779b9) {
  const total = freqs.reduce((a, b) => a + b, 0);
  const lookup = new Uint8Array(total);
  for (let s = 0, at = 0; s < freqs.length; at += freqs[s++]) lookup.fill(s, at, at + freqs[s]);
  const symbols = new Uint32Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    symbols[i] = lookup[x % total];
  }
  return symbols;
}

function loadWorkload() {
  if (args.freqs || args.symbols) {
    if (!args.freqs || !args.symbols) throw new Error('--freqs and --symbols go together');
    const raw = readFileSync(args.freqs);
    const freqs = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const total = freqs.reduce((a, b) => a + b, 0);
    const precision = Math.log2(total);
    if (!Number.isInteger(precision)) throw new Error(`${args.freqs}: frequencies sum to ${total}, not a power of two`);
    return { name: args.symbols, freqs, precision, symbols: Uint32Array.from(readFileSync(args.symbols)) };
  }
  const freqs = geometricTable(16);
  return { name: 'geometric-0.97', freqs, precision: 16, symbols: drawSymbols(freqs, Number(args.count)) };
}

/**
 * Best-of-`repeat` times of push(message) and pop(message) for `n` symbols, each repetition on a
 * fresh `lanes`-lane message; check(message, pushed, popped) runs after the clock, before the free.
 */
function timeRoundTrips(lanes, n, push, pop, check) {
  let pushTime = Infinity;
  let popTime = Infinity;
  let bits = 0;
  for (let r = 0; r < repeat; r++) {
    const message = Message.create(lanes);
    const t0 = performance.now();
    const pushed = push(message);
    const t1 = performance.now();
    bits = message.byteLength * 8;
    const popped = pop(message);
    const t2 = performance.now();
    check(message, pushed, popped);
    message.free();
    pushTime = Math.min(pushTime, t1 - t0);
    popTime = Math.min(popTime, t2 - t1);
  }
  return { push_msym_s: n / pushTime / 1e3, pop_msym_s: n / popTime / 1e3, bits };
}

/** Push and pop through the codec API on `lanes` lanes; checks the round trip. */
function measure(makeCodec, symbols, lanes) {
  const codec = makeCodec();
  return timeRoundTrips(lanes, symbols.length, (message) => codec.push(message, symbols), (message) => codec.pop(message), (message, pushed, decoded) => {
    if (decoded.length !== symbols.length || decoded.some((s, i) => s !== symbols[i])) throw new Error(`round trip failed on ${lanes} lanes`);
  });
}

/** The categorical kernels alone, on symbols and output already in WASM memory. */
function measureKernel(freqs, precision, symbols, lanes) {
  const n = symbols.length;
  const tableMemory = core().alloc(freqs.length * 4);
  new Uint32Array(core().memory.buffer, tableMemory, freqs.length).set(freqs);
  const kernelTable = core().categorical_table_create(tableMemory, freqs.length, precision);
  const input = core().alloc(n * 4);
  const output = core().alloc(n * 4);
  new Uint32Array(core().memory.buffer, input, n).set(symbols);
  const row = timeRoundTrips(
    lanes, n,
    (message) => core().categorical_push(message.pointer, 0, lanes, input, n, kernelTable),
    (message) => core().categorical_pop(message.pointer, 0, lanes, output, n, kernelTable),
    (message, pushed, popped) => {
      if (pushed !== -1 || popped !== -1 || !message.isInitial()) throw new Error(`kernel round trip failed on ${lanes} lanes`);
    },
  );
  const decoded = new Uint32Array(core().memory.buffer, output, n);
  if (decoded.some((s, i) => s !== symbols[i])) throw new Error(`kernel decoded wrong symbols on ${lanes} lanes`);
  for (const block of [input, output, tableMemory]) core().free(block);
  core().categorical_table_free(kernelTable);
  return row;
}

/** bench/c/rans.c on the same workload: one JSON line per lane count, or nothing without gcc. */
function measureC() {
  const source = fileURLToPath(new URL('c/rans.c', import.meta.url));
  const dir = mkdtempSync(path.join(tmpdir(), 'bbans-rans-'));
  try {
    const binary = path.join(dir, 'rans');
    try {
      execFileSync('gcc', ['-O3', '-o', binary, source], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      console.error('gcc is not available: the C reference rows are left out');
      return [];
    }
    const workload = args.freqs ? ['--freqs', args.freqs, '--symbols', args.symbols] : ['--count', args.count];
    return execFileSync(binary, workload, { encoding: 'utf8' }).trim().split('\n').map((line) => JSON.parse(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
function report(row) {
  results.push(row);
  if (args.json) console.log(JSON.stringify(row));
}

const workload = loadWorkload();
const lanesList = args.lanes.split(',').map(Number);
for (const lanes of lanesList) {
  const n = workload.symbols.length - (workload.symbols.length % lanes);
  const symbols = workload.symbols.subarray(0, n);
  const row = measure(() => categorical(workload.freqs, workload.precision, n), symbols, lanes);
  report({ coder: 'wasm-categorical', lanes, precision: workload.precision, symbols: n, ...row });
}
for (const lanes of lanesList) {
  const n = workload.symbols.length - (workload.symbols.length % lanes);
  const row = measureKernel(workload.freqs, workload.precision, workload.symbols.subarray(0, n), lanes);
  report({ coder: 'wasm-kernel', lanes, precision: workload.precision, symbols: n, ...row });
}
for (const row of measureC()) report(row);

// Model-shaped workloads: 8-bit pixels under beta-binomials and latents under Gaussian posteriors.
{
  const lanes = 64;
  const n = 64 * 8192;
  const alphas = new Float32Array(n);
  const betas = new Float32Array(n);
  const pixels = new Uint32Array(n);
  let x = 12345;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
  for (let i = 0; i < n; i++) {
    const dark = next() < 0.8;
    alphas[i] = dark ? 0.05 + next() * 0.2 : 2 + next() * 20;
    betas[i] = dark ? 5 + next() * 50 : 0.05 + next() * 0.5;
    pixels[i] = dark ? Math.floor(next() * 3) : 255 - Math.floor(next() * 10);
  }
  const row = measure(() => betaBinomial(255, alphas, betas, 16), pixels, lanes);
  report({ coder: 'wasm-beta-binomial-255', lanes, precision: 16, symbols: n, ...row });

  const means = Float32Array.from({ length: n }, () => (next() - 0.5) * 4);
  const scales = Float32Array.from({ length: n }, () => 0.05 + next() * 0.5);
  const bins = Uint32Array.from({ length: n }, () => 96 + Math.floor(next() * 64));
  const grow = measure(() => gaussianPosterior(8, means, scales, 16), bins, lanes);
  report({ coder: 'wasm-gaussian-posterior-256', lanes, precision: 16, symbols: n, ...grow });
}

if (!args.json) {
  console.log(`workload: ${workload.name}, best of ${repeat}, node ${process.version}`);
  console.table(results.map((r) => ({
    coder: r.coder, lanes: r.lanes, precision: r.precision, symbols: r.symbols,
    'push Msym/s': r.push_msym_s.toFixed(1), 'pop Msym/s': r.pop_msym_s.toFixed(1),
    'bits/symbol': (r.bits / r.symbols).toFixed(5),
  })));
  const best = (coder, key) => Math.max(...results.filter((r) => r.coder === coder).map((r) => r[key]));
  if (results.some((r) => r.coder === 'c-rans64')) {
    for (const coder of ['wasm-kernel', 'wasm-categorical']) {
      const ratio = (key) => (best(coder, key) / best('c-rans64', key)).toFixed(2);
      console.log(`${coder} against C, best lane count each: push ${ratio('push_msym_s')}x, pop ${ratio('pop_msym_s')}x`);
    }
  }
}
