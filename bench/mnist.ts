// The paper's table, measured here: BB-ANS with the shipped models on the whole MNIST test set,
// the model's own -ELBO on the same images, and classical codecs on exactly the same bytes.
// Every BB-ANS byte is counted (header, heads, tail) and every output is decoded and compared.
//
//   npm run bench [-- --json] [--count N] [--chains B] [--models mnist-binary,mnist-8bit]

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { DEFAULTS, compress, decompress, loadModel } from '../src/index.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { meanNegativeElbo } from '../src/train/evaluate.js';
import { natsToBitsPerDim } from '../src/model/spec.js';
// @ts-expect-error: plain ESM helper without types
import { measureBaselines } from './baselines.mjs';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    count: { type: 'string', default: '10000' },
    chains: { type: 'string', default: String(DEFAULTS.chains) },
    models: { type: 'string', default: 'mnist-binary,mnist-8bit' },
    baselines: { type: 'boolean', default: true },
  },
  allowNegative: true,
});

/** Townsend, Bird & Barber (ICLR 2019), Table 2, bits/dim. */
const PAPER: Record<string, Record<string, number>> = {
  'mnist-binary': { '-ELBO': 0.19, 'BB-ANS': 0.19, 'bzip2 -9': 0.25, 'gzip -9': 0.33, PNG: 0.78, 'WebP lossless': 0.44 },
  'mnist-8bit': { '-ELBO': 1.39, 'BB-ANS': 1.41, 'bzip2 -9': 1.42, 'gzip -9': 1.64, PNG: 2.79, 'WebP lossless': 2.1 },
};
const DATASET: Record<string, string> = { 'mnist-binary': 'binarized MNIST', 'mnist-8bit': 'MNIST 8-bit' };

interface Row {
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

const count = Number(args.count);
const chains = Number(args.chains);
const rows: Row[] = [];
const bitsPerDim = (bytes: number): number => (8 * bytes) / (count * 784);

for (const name of args.models.split(',')) {
  const model = await loadModel(name);
  const source = name === 'mnist-binary' ? loadBinarizedMnistTest() : loadMnistImages('test');
  const pixels = new Uint8Array(source.pixels.subarray(0, count * 784));
  const dataset = DATASET[name] ?? name;

  const negElboNats = meanNegativeElbo(model.vae, { count, pixels }, 1000, (batch) => 7919 + batch);
  const negElbo = natsToBitsPerDim(negElboNats, 784);
  rows.push({ dataset, codec: '-ELBO', images: count, bytes: null, bits_per_dim: negElbo, neg_elbo_bits_per_dim: negElbo, encode_img_per_s: null, decode_img_per_s: null, roundtrip: null });

  const t0 = performance.now();
  const compressed = await compress(pixels, { model, chains });
  const t1 = performance.now();
  const restored = await decompress(compressed, { model });
  const t2 = performance.now();
  const roundtrip = restored.data.length === pixels.length && restored.data.every((v, i) => v === pixels[i]);
  rows.push({
    dataset, codec: 'BB-ANS', images: count, bytes: compressed.length, bits_per_dim: bitsPerDim(compressed.length),
    neg_elbo_bits_per_dim: negElbo, encode_img_per_s: count / ((t1 - t0) / 1000), decode_img_per_s: count / ((t2 - t1) / 1000), roundtrip,
  });
  if (!roundtrip) process.exitCode = 1;

  if (args.baselines) {
    for (const b of await measureBaselines(pixels, count, { bitsPerPixel: name === 'mnist-binary' ? 1 : 8 })) {
      rows.push({
        dataset, codec: b.codec, images: count, bytes: b.bytes, bits_per_dim: bitsPerDim(b.bytes), neg_elbo_bits_per_dim: null,
        encode_img_per_s: count / (b.encode_ms / 1000), decode_img_per_s: null, roundtrip: true,
      });
    }
  }
}

if (args.json) {
  for (const row of rows) console.log(JSON.stringify(row));
} else {
  const fmt = (x: number | null, digits: number): string => (x === null ? '' : x.toFixed(digits));
  console.log(`bbans benchmark: ${count} MNIST test images, ${chains} chains, bins 2^${DEFAULTS.binsLog2}, posterior precision ${DEFAULTS.posteriorPrecision}`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores; BB-ANS runs on one), node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| dataset | codec | bytes | bits/dim | paper | rate / -ELBO | encode img/s | decode img/s | round trip |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const paper = PAPER[args.models.split(',').find((m) => DATASET[m] === r.dataset) ?? '']?.[r.codec];
    const ratio = r.codec === 'BB-ANS' && r.neg_elbo_bits_per_dim ? r.bits_per_dim / r.neg_elbo_bits_per_dim : null;
    console.log(`| ${r.dataset} | ${r.codec} | ${r.bytes ?? ''} | ${fmt(r.bits_per_dim, 4)} | ${paper ?? ''} | ${fmt(ratio, 4)} | ${fmt(r.encode_img_per_s, 0)} | ${fmt(r.decode_img_per_s, 0)} | ${r.roundtrip === null ? '' : r.roundtrip ? 'exact' : 'FAILED'} |`);
  }
}
