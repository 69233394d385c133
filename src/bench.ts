// The paper's table, measured here: BB-ANS with the shipped models on the whole MNIST test set,
// the model's own -ELBO on the same images, and classical codecs on exactly the same bytes; or the
// same table for a user's own images and model (--data, --model). Every BB-ANS byte is counted
// (header, heads, tail) and every output is decoded and compared.
//
//   bbans bench [--json] [--count N] [--chains B] [--threads T] [--models a,b,...] [--no-baselines] [--plot FILE.svg]
//   bbans bench --data FILE [--shape H,W] --model DIR|NAME [--json] [--chains B] [--no-baselines] [--plot FILE.svg]
//
// The classical baselines live in the repository's bench/baselines.mjs and its dev dependencies;
// where they are not installed the table has BB-ANS rows only, and says so.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compress, decompress } from './api.js';
import { type PixelArray, largestPixel } from './pixels.js';
import { type CodecModel, loadModel } from './models.js';
import { readImageFile } from './data/image-file.js';
import { availableThreads } from './workers/pool.js';
import { MNIST_COLS, MNIST_PIXELS as PIXELS, MNIST_ROWS, loadBinarizedMnistTest, loadMnistImages, requireMnistData } from './data/mnist.js';
import { meanNegativeElbo } from './train/evaluate.js';
import { SHIPPED_SPECS, natsToBitsPerDim } from './model/spec.js';
import { ratePlotSvg } from './plot.js';
import { elementCount } from './shape.js';

type Baselines = (
  pixels: PixelArray,
  count: number,
  options: { height: number; width: number; maxValue: number },
) => Promise<Array<{ codec: string; bytes: number; encode_ms: number }>>;

const BINARY = 'binarized MNIST';
const EIGHT_BIT = 'MNIST 8-bit';
/** The shipped models in table order (each dataset's in the order they were made), each with the dataset it codes. */
const MODEL_DATASET: Record<string, string> = Object.fromEntries(
  Object.entries(SHIPPED_SPECS).map(([name, spec]) => [name, spec.maxPixelValue === 1 ? BINARY : EIGHT_BIT]),
);

/** Townsend, Bird & Barber (ICLR 2019), Table 2, bits/dim, by dataset. */
const PAPER: Record<string, Record<string, number>> = {
  [BINARY]: { 'mnist-binary -ELBO': 0.19, 'BB-ANS mnist-binary': 0.19, 'bzip2 -9': 0.25, 'gzip -9': 0.33, PNG: 0.78, 'WebP lossless': 0.44 },
  [EIGHT_BIT]: { 'mnist-8bit -ELBO': 1.39, 'BB-ANS mnist-8bit': 1.41, 'bzip2 -9': 1.42, 'gzip -9': 1.64, PNG: 2.79, 'WebP lossless': 2.1 },
};

export interface BenchRow {
  dataset: string;
  codec: string;
  images: number;
  bytes: number | null;
  bits_per_dim: number;
  neg_elbo_bits_per_dim: number | null;
  encode_img_per_s: number | null;
  decode_img_per_s: number | null;
  roundtrip: boolean | null;
}

async function loadBaselines(): Promise<Baselines | undefined> {
  try {
    return ((await import(new URL('../bench/baselines.mjs', import.meta.url).href)) as { measureBaselines: Baselines }).measureBaselines;
  } catch {
    return undefined;
  }
}

/** Images coded before the timed runs of each model. */
const WARM_UP_IMAGES = 500;

function mnistPixels(dataset: string, count: number): Uint8Array {
  const source = dataset === BINARY ? loadBinarizedMnistTest() : loadMnistImages('test');
  return new Uint8Array(source.pixels.subarray(0, count * PIXELS));
}

function rowFor(dataset: string, count: number, fields: Partial<BenchRow> & Pick<BenchRow, 'codec' | 'bits_per_dim'>): BenchRow {
  return { dataset, images: count, bytes: null, neg_elbo_bits_per_dim: null, encode_img_per_s: null, decode_img_per_s: null, roundtrip: null, ...fields };
}

/** How BB-ANS codes in the benchmark: chains per frame and worker threads (undefined: the defaults). */
interface Coding {
  chains: number | undefined;
  threads: number | undefined;
}

/** A model's -ELBO and BB-ANS rows on the dataset's pixels. */
async function measureModel(model: CodecModel, dataset: string, pixels: PixelArray, count: number, coding: Coding): Promise<BenchRow[]> {
  const { chains, threads } = coding;
  const itemPixels = model.spec.pixels;
  const bitsPerDim = (bytes: number): number => (8 * bytes) / (count * itemPixels);
  const negElbo = natsToBitsPerDim(meanNegativeElbo(model.vae, { count, pixels }, 1000, (batch) => 7919 + batch), itemPixels);
  const images = { data: pixels, shape: [count, ...model.itemShape] };
  // Untimed warm-up: V8 first runs WASM from its baseline compiler and swaps in optimised code
  // while it runs, which takes seconds; the timed runs measure the steady state.
  const warmUpCount = Math.min(count, WARM_UP_IMAGES);
  // One warm-up frame per worker, so every worker's WASM is optimised before the clock starts.
  const warmUpFrame = Math.max(1, Math.ceil(warmUpCount / Math.max(1, threads ?? availableThreads())));
  const warmUpChains = chains === undefined ? undefined : Math.min(chains, warmUpFrame);
  await decompress(await compress({ data: pixels.subarray(0, warmUpCount * itemPixels), shape: [warmUpCount, ...model.itemShape] }, { model, chains: warmUpChains, threads, frameSize: warmUpFrame }), { model, threads });
  const t0 = performance.now();
  const compressed = await compress(images, { model, chains, threads });
  const t1 = performance.now();
  const restored = await decompress(compressed, { model, threads });
  const t2 = performance.now();
  return [
    rowFor(dataset, count, { codec: `${model.name} -ELBO`, bits_per_dim: negElbo, neg_elbo_bits_per_dim: negElbo }),
    rowFor(dataset, count, {
      codec: `BB-ANS ${model.name}`,
      bytes: compressed.length,
      bits_per_dim: bitsPerDim(compressed.length),
      neg_elbo_bits_per_dim: negElbo,
      encode_img_per_s: count / ((t1 - t0) / 1000),
      decode_img_per_s: count / ((t2 - t1) / 1000),
      roundtrip: restored.data.length === pixels.length && restored.data.every((v, i) => v === pixels[i]),
    }),
  ];
}

/** Every row of one dataset: each model's -ELBO and BB-ANS, then each baseline on the same pixels. */
async function measureDataset(dataset: string, models: CodecModel[], pixels: PixelArray, count: number, coding: Coding, baselines: Baselines | undefined): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const model of models) rows.push(...(await measureModel(model, dataset, pixels, count, coding)));
  const [height, width] = models[0]!.itemShape.length === 2 ? models[0]!.itemShape : [MNIST_ROWS, MNIST_COLS];
  const itemPixels = height! * width!;
  // The classical codecs get the smallest range that holds the pixels (PNG picks its bit depth by it).
  for (const b of baselines ? await baselines(pixels, count, { height: height!, width: width!, maxValue: Math.max(1, largestPixel(pixels)) }) : []) {
    rows.push(rowFor(dataset, count, { codec: b.codec, bytes: b.bytes, bits_per_dim: (8 * b.bytes) / (count * itemPixels), encode_img_per_s: count / (b.encode_ms / 1000), roundtrip: true }));
  }
  return rows;
}

function printTable(rows: BenchRow[], what: string, coding: Coding): void {
  const fmt = (x: number | null, digits: number): string => (x === null ? '' : x.toFixed(digits));
  console.log(`bbans benchmark: ${what}, default frames, ${coding.chains ?? 'the default number of'} chains per frame, the models' coding settings`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores; BB-ANS on ${coding.threads ?? availableThreads()} worker threads, the other codecs on one), node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| dataset | codec | bytes | bits/dim | paper | rate / -ELBO | encode img/s | decode img/s | round trip |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const paper = PAPER[r.dataset]?.[r.codec];
    const ratio = r.codec.startsWith('BB-ANS') && r.neg_elbo_bits_per_dim ? r.bits_per_dim / r.neg_elbo_bits_per_dim : null;
    const roundtrip = r.roundtrip === null ? '' : r.roundtrip ? 'exact' : 'FAILED';
    console.log(`| ${r.dataset} | ${r.codec} | ${r.bytes ?? ''} | ${fmt(r.bits_per_dim, 4)} | ${paper ?? ''} | ${fmt(ratio, 4)} | ${fmt(r.encode_img_per_s, 0)} | ${fmt(r.decode_img_per_s, 0)} | ${roundtrip} |`);
  }
}

/** The user's own images and model (--data, --model): one dataset of rows. */
async function measureUserData(file: string, shape: string | undefined, modelSource: string, count: number | undefined, coding: Coding, baselines: Baselines | undefined) {
  const bytes = new Uint8Array(await readFile(file));
  const { images } = readImageFile(bytes, file, shape?.split(',').map(Number));
  const model = await loadModel(modelSource);
  const itemPixels = elementCount(images.shape.slice(1));
  const n = Math.min(count ?? images.shape[0]!, images.shape[0]!);
  const pixels = images.data.subarray(0, n * itemPixels);
  return { rows: await measureDataset(path.basename(file), [model], pixels, n, coding, baselines), what: `${n} images of ${images.shape.slice(1).join('x')} from ${file}` };
}

/** Runs the benchmark; returns false if any round trip failed. */
export async function runBench(argv: string[]): Promise<boolean> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      count: { type: 'string' },
      chains: { type: 'string' },
      threads: { type: 'string' },
      models: { type: 'string' },
      data: { type: 'string' },
      shape: { type: 'string' },
      model: { type: 'string' },
      baselines: { type: 'boolean', default: true },
      plot: { type: 'string' },
    },
    allowNegative: true,
  });
  const count = args.count === undefined ? undefined : Number(args.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw new Error(`bbans bench: --count must be a positive integer, got ${args.count}`);
  const chains = args.chains === undefined ? undefined : Number(args.chains);
  if (chains !== undefined && !(Number.isInteger(chains) && chains >= 1)) throw new Error(`bbans bench: --chains must be a positive integer, got ${args.chains}`);
  const threads = args.threads === undefined ? undefined : Number(args.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) throw new Error(`bbans bench: --threads must be a non-negative integer, got ${args.threads}`);
  const coding: Coding = { chains, threads };
  const baselines = args.baselines ? await loadBaselines() : undefined;
  if (args.baselines && !baselines) console.error('bbans bench: baselines skipped (bench/baselines.mjs and its dev dependencies are not installed)');
  let rows: BenchRow[] = [];
  let what: string;
  if (args.data !== undefined || args.model !== undefined) {
    if (args.data === undefined || args.model === undefined) throw new Error('bbans bench: --data FILE and --model DIR go together');
    if (args.models !== undefined) throw new Error('bbans bench: --models is for the MNIST table; with --data give --model');
    ({ rows, what } = await measureUserData(args.data, args.shape, args.model, count, coding, baselines));
  } else {
    requireMnistData('bbans bench on the MNIST test set');
    const n = count ?? 10000;
    const models = (args.models ?? Object.keys(MODEL_DATASET).join(',')).split(',');
    const unknown = models.filter((name) => !MODEL_DATASET[name]);
    if (unknown.length > 0) throw new Error(`bbans bench: unknown model ${unknown.join(', ')}; the shipped models are ${Object.keys(MODEL_DATASET).join(', ')}`);
    for (const dataset of [BINARY, EIGHT_BIT]) {
      const chosen = await Promise.all(models.filter((name) => MODEL_DATASET[name] === dataset).map((name) => loadModel(name)));
      if (chosen.length > 0) rows.push(...(await measureDataset(dataset, chosen, mnistPixels(dataset, n), n, coding, baselines)));
    }
    what = `${n} MNIST test images`;
  }
  if (args.json) for (const r of rows) console.log(JSON.stringify(r));
  else printTable(rows, what, coding);
  if (args.plot) {
    await writeFile(args.plot, ratePlotSvg(rows));
    console.error(`bbans bench: rate against encode speed drawn in ${args.plot}`);
  }
  return rows.every((r) => r.roundtrip !== false);
}
