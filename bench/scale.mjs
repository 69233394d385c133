// The scale targets of format version 2, measured (a script that prints tables, not a test):
//   1. threads: compress and decompress of the whole 10k MNIST test set on 1 and 2 workers, both models,
//      beside what the machine itself allows: two separate processes each coding the set on one
//      worker at the same time, against one alone (1b), one such process pinned to each core (1c),
//      and a plain arithmetic loop on each core alone and on all of them at once (1d);
//   2. random access: decoding one image of the 10k file against decoding all of it;
//   3. framing: the rate cost of the default frame size (and others) against one frame; 3b: other
//      chain counts at the binary model's default frame size;
//   4. event loop: the longest stall of a 1 ms timer while compress codes the 10k images;
//   5. memory: peak RSS of the CLI compressing and decompressing 1,000,000 images (the test set 100
//      times over) as files, and through a pipe.
// Timings are best of --repeat runs on a warm worker pool (its start-up is timed once, separately).
//
//   npm run bench:scale [-- --repeat R] [--parts 1,2,3,4,5] [--json]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compress, decompress, defaultFrameSize, describe, modelInfo } from '../dist/index.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../dist/data/mnist.js';
import { writeIdx } from '../dist/data/idx.js';

const { values: args } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    parts: { type: 'string', default: '1,2,3,4,5' },
    json: { type: 'boolean', default: false },
  },
});
const repeat = Number(args.repeat);
const parts = new Set(args.parts.split(',').map(Number));
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const results = [];
const report = (row) => {
  results.push(row);
  if (args.json) console.log(JSON.stringify(row));
};

const sets = [
  { model: 'mnist-8bit-ar', pixels: loadMnistImages('test').pixels },
  // chainCounts: table 3b, for the model whose default frames miss the random-access target
  { model: 'mnist-binary-ar', pixels: loadBinarizedMnistTest().pixels, chainCounts: [2, 8, 16] },
];

async function best(run) {
  let fastest = Infinity;
  let value;
  for (let r = 0; r < repeat; r++) {
    const started = performance.now();
    value = await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return { ms: fastest, value };
}

const table = (title, head, rows) => {
  if (args.json) return;
  console.log(`\n${title}\n${head.join(' | ')}\n${head.map(() => '---').join(' | ')}`);
  for (const row of rows) console.log(row.join(' | '));
};

// Worker start-up, once: a first call on two fresh workers, which load the model.
if (parts.has(1)) {
  const started = performance.now();
  await compress(sets[0].pixels.subarray(0, 784), { model: sets[0].model, threads: 2 });
  const ms = performance.now() - started;
  report({ kind: 'startup', ms });
  table('worker pool start-up (first call: two workers, tfjs, one model)', ['ms'], [[ms.toFixed(0)]]);
}

// 1d. the cores themselves, before table 1 and after 1c: a fixed arithmetic loop (bench/core-probe.mjs)
// pinned to each core alone, then one copy pinned to each core at once. Two threads cannot beat the
// cores' combined rate against the faster core alone, however well they share the work.
const probeRows = [];
const probeCores = async (when) => {
  if (process.platform !== 'linux') return;
  const probe = path.join(root, 'bench', 'core-probe.mjs');
  const pinned = (core) => new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(core), process.execPath, probe], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(text)) : reject(new Error(`core probe: exit ${code}`))));
  });
  const cores = Array.from({ length: availableParallelism() }, (_, core) => core);
  const alone = [];
  for (const core of cores) alone.push(await pinned(core));
  const together = await Promise.all(cores.map(pinned));
  const ceiling = together.reduce((rate, ms) => rate + 1 / ms, 0) * Math.min(...alone);
  report({ kind: 'cores', when, alone, together, ceiling });
  probeRows.push([when, ...alone, ...together, `${ceiling.toFixed(2)}x`]);
};
// 1. threads
const threadRows = [];
if (parts.has(1)) await probeCores('before 1');
const files = {};
for (const { model, pixels } of parts.has(1) || parts.has(2) ? sets : []) {
  // Untimed: enough frames that both workers get a job each way, load the model and have their
  // WASM optimised (V8 swaps optimised code in while it runs) before the clock starts.
  await decompress(await compress(pixels.subarray(0, 784 * 2000), { model, threads: 2 }), { threads: 2 });
  const times = {};
  for (const threads of [1, 2]) {
    const c = await best(() => compress(pixels, { model, threads }));
    const d = await best(() => decompress(c.value, { threads }));
    if (Buffer.compare(Buffer.from(d.value.data), Buffer.from(pixels)) !== 0) throw new Error(`${model}: round trip failed`);
    times[threads] = { c: c.ms, d: d.ms, bytes: c.value };
  }
  if (Buffer.compare(Buffer.from(times[1].bytes), Buffer.from(times[2].bytes)) !== 0) throw new Error(`${model}: 1 and 2 threads wrote different bytes`);
  files[model] = times[2].bytes;
  const row = { kind: 'threads', model, compress1: times[1].c, compress2: times[2].c, decompress1: times[1].d, decompress2: times[2].d };
  report(row);
  threadRows.push([model, (row.compress1 / 1000).toFixed(2), (row.compress2 / 1000).toFixed(2), `${(row.compress1 / row.compress2).toFixed(2)}x`,
    (row.decompress1 / 1000).toFixed(2), (row.decompress2 / 1000).toFixed(2), `${(row.decompress1 / row.decompress2).toFixed(2)}x`]);
}
if (parts.has(1)) table('1. 10,000 images, 1 vs 2 worker threads (seconds, best of ' + repeat + '; identical bytes)', ['model', 'compress 1', 'compress 2', 'speed-up', 'decompress 1', 'decompress 2', 'speed-up'], threadRows);

// 1b. the machine's own ceiling: the same one-worker job in two processes at once, against one alone.
// Nothing is shared between them, so their combined rate is the most two threads could reach here.
const ceilingRows = [];
if (parts.has(1)) {
  const solo = path.join(root, 'bench', 'solo.mjs');
  const runSolo = () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [solo, '--repeat', String(repeat)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`solo: exit ${code}`))));
  });
  const alone = await runSolo();
  const [a, b] = await Promise.all([runSolo(), runSolo()]);
  for (const model of Object.keys(alone)) {
    const rate = (op) => (2 * alone[model][op]) / Math.max(a[model][op], b[model][op]);
    report({ kind: 'ceiling', model, alone: alone[model], together: [a[model], b[model]], compress: rate('compress'), decompress: rate('decompress') });
    ceilingRows.push([model, (alone[model].compress / 1000).toFixed(2), (Math.max(a[model].compress, b[model].compress) / 1000).toFixed(2), `${rate('compress').toFixed(2)}x`,
      (alone[model].decompress / 1000).toFixed(2), (Math.max(a[model].decompress, b[model].decompress) / 1000).toFixed(2), `${rate('decompress').toFixed(2)}x`]);
  }
  table('1b. the machine\'s ceiling: one process coding the set on one worker, then two such processes at once (seconds, best of ' + repeat + '; the slower of the two)', ['model', 'compress alone', 'compress, two at once', 'two processes\' rate', 'decompress alone', 'decompress, two at once', 'two processes\' rate'], ceilingRows);
}

// 1c. each core alone: the same one-worker job pinned (taskset, Linux) to one core, then the next.
// Nothing else runs (the process's helper threads share its core), so a difference between the rows
// is the cores' own speed at that moment: two threads sharing the work (hand-over, src/frame-coder.ts)
// reach at most the cores' combined rate.
const coreRows = [];
if (parts.has(1) && process.platform === 'linux') {
  const solo = path.join(root, 'bench', 'solo.mjs');
  for (let core = 0; core < availableParallelism(); core++) {
    const out = await new Promise((resolve, reject) => {
      const child = spawn('taskset', ['-c', String(core), process.execPath, solo, '--repeat', String(repeat)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`taskset solo: exit ${code}`))));
    });
    for (const model of Object.keys(out)) {
      report({ kind: 'core', core, model, ...out[model] });
      coreRows.push([core, model, (out[model].compress / 1000).toFixed(2), (out[model].decompress / 1000).toFixed(2)]);
    }
  }
  table('1c. one process coding the set on one worker, pinned to one core at a time (seconds, best of ' + repeat + ')', ['core', 'model', 'compress', 'decompress'], coreRows);
}

if (parts.has(1)) {
  await probeCores('after 1c');
  const cores = availableParallelism();
  const head = ['when', ...Array.from({ length: cores }, (_, c) => `core ${c} alone`), ...Array.from({ length: cores }, (_, c) => `core ${c}, all at once`), 'all cores against the faster alone'];
  table('1d. a fixed arithmetic loop pinned to each core alone, then to every core at once (ms)', head, probeRows);
}

// 2. random access
const accessRows = [];
for (const { model } of parts.has(2) ? sets : []) {
  const bytes = files[model];
  const all = await best(() => decompress(bytes));
  const one = await best(() => decompress(bytes, { images: [5000, 5001] }));
  const first = await best(() => decompress(bytes, { images: [0, 1] }));
  report({ kind: 'random-access', model, allMs: all.ms, image5000Ms: one.ms, image0Ms: first.ms });
  accessRows.push([model, all.ms.toFixed(0), one.ms.toFixed(0), `${((100 * one.ms) / all.ms).toFixed(1)}%`, first.ms.toFixed(0), `${((100 * first.ms) / all.ms).toFixed(1)}%`]);
}
if (parts.has(2)) table('2. one image of the 10k file (default frames, 2 threads) against all (ms)', ['model', 'all', 'image 5000', 'share', 'image 0', 'share'], accessRows);

// 3. framing: rate against one frame, and the one-image decode share, by frame size (3) and, at
// the default frame size, by chains per frame (3b: more chains take fewer steps to decode one
// frame, but each costs its head)
async function framingRow(model, pixels, one, frameSize, chains) {
  const bytes = await compress(pixels, { model, frameSize, ...(chains && { chains }) });
  const frames = (await describe(bytes)).segments[0].frames;
  const cost = (100 * (bytes.length - one)) / one;
  const all = await best(() => decompress(bytes));
  const image = await best(() => decompress(bytes, { images: [5000, 5001] }));
  report({ kind: 'framing', model, frameSize, frames: frames.length, chains: frames[0].chains, bytes: bytes.length, oneFrameBytes: one, costPercent: cost, decodeAllMs: all.ms, accessPercent: (100 * image.ms) / all.ms });
  return [model, frameSize, frames.length, frames[0].chains, bytes.length, one, `${cost.toFixed(3)}%`, (all.ms / 1000).toFixed(2), `${((100 * image.ms) / all.ms).toFixed(1)}%`];
}
const framingHead = ['model', 'frame size', 'frames', 'chains/frame', 'bytes', 'one frame', 'framing cost', 'decode all (s)', 'one image'];
const frameRows = [];
const chainRows = [];
for (const { model, pixels, chainCounts = [] } of parts.has(3) ? sets : []) {
  const one = (await compress(pixels, { model, frameSize: 10000 })).length;
  const standard = defaultFrameSize(await modelInfo(model));
  for (const k of [0.25, 0.5, 1, 2, 4]) frameRows.push(await framingRow(model, pixels, one, Math.round(k * standard)));
  for (const chains of chainCounts) chainRows.push(await framingRow(model, pixels, one, standard, chains));
}
if (parts.has(3)) {
  table('3. frame size (a quarter of the default to four times it): bytes against one frame of 10,000 (default chains), the whole decode on 2 threads, and one image\'s decode time against it', framingHead, frameRows);
  table('3b. chains per frame at the binary model\'s default frame size, as in 3', framingHead, chainRows);
}

// 4. event loop
const stallRows = [];
for (const threads of parts.has(4) ? [2, 0] : []) {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await compress(sets[0].pixels, { model: sets[0].model, threads });
  clearInterval(timer);
  report({ kind: 'event-loop', threads, worstGapMs: worst });
  stallRows.push([threads === 0 ? '0 (the calling thread)' : threads, worst.toFixed(1)]);
}
if (parts.has(4)) table('4. longest gap between ticks of a 1 ms timer during compress of 10k images (ms)', ['threads', 'worst gap'], stallRows);

// 5. memory
if (parts.has(5)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bbans-scale-'));
  try {
    const mnist = sets[0].pixels;
    const count = 1_000_000;
    const data = new Uint8Array(count * 784);
    for (let k = 0; k < 100; k++) data.set(mnist, k * mnist.length);
    const input = path.join(dir, 'million.idx');
    writeFileSync(input, writeIdx({ dims: [count, 28, 28], data }));
    const cli = path.join(root, 'dist', 'cli.js');
    const rss = path.join(root, 'bench', 'peak-rss.mjs');
    const node = `"${process.execPath}" --import "${rss}" "${cli}"`;
    // Through bash, which forks each node: a process exec'd straight from this one (which holds the
    // million images) would report this process's peak as its own (Linux carries ru_maxrss over exec).
    const run = (command) => new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn('bash', ['-c', `${command}; status=$?; exit $status`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => {
        const peaks = [...err.matchAll(/peak-rss (\d+)/g)].map((m) => Number(m[1]));
        if (code !== 0) reject(new Error(`${command}: exit ${code}: ${err}`));
        else resolve({ s: (performance.now() - started) / 1000, peakMB: Math.max(...peaks) / 2 ** 20 });
      });
    });
    const rows = [];
    const c = await run(`${node} compress -q "${input}"`);
    rows.push(['compress, file to file', c.s.toFixed(0), c.peakMB.toFixed(0)]);
    const size = statSync(`${input}.bbans`).size;
    const d = await run(`${node} decompress -q -o "${path.join(dir, 'back.idx')}" "${input}.bbans"`);
    rows.push(['decompress, file to file', d.s.toFixed(0), d.peakMB.toFixed(0)]);
    const same = await new Promise((resolve) => spawn('cmp', [input, path.join(dir, 'back.idx')]).on('exit', (code) => resolve(code === 0)));
    if (!same) throw new Error('1M round trip differs');
    const p = await run(`cat "${input}" | ${node} compress -q | ${node} decompress -q | cmp - "${input}"`);
    rows.push(['compress | decompress, stdin to stdout (both processes)', p.s.toFixed(0), p.peakMB.toFixed(0)]);
    report({ kind: 'memory', count, compressedBytes: size, rows });
    table(`5. the CLI on 1,000,000 images (${(data.length / 2 ** 20).toFixed(0)} MiB in, ${(size / 2 ** 20).toFixed(1)} MiB compressed; round trips exact)`, ['run', 'seconds', 'peak RSS MiB'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
