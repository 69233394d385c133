// One process's share of bench/scale.mjs table 1b: the 10k MNIST test set compressed and
// decompressed on one worker, both models, best of --repeat; prints {model: {compress, decompress}} in ms.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { compress, decompress } from '../dist/index.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../dist/data/mnist.js';

const { values: args } = parseArgs({ options: { repeat: { type: 'string', default: '3' } } });
const sets = { 'mnist-8bit-ar': loadMnistImages('test').pixels, 'mnist-binary-ar': loadBinarizedMnistTest().pixels };
const out = {};
for (const [model, pixels] of Object.entries(sets)) {
  await decompress(await compress(pixels.subarray(0, 784 * 2000), { model, threads: 1 }), { threads: 1 }); // untimed: the worker's WASM optimised
  out[model] = { compress: Infinity, decompress: Infinity };
  for (let r = 0; r < Number(args.repeat); r++) {
    let started = performance.now();
    const bytes = await compress(pixels, { model, threads: 1 });
    out[model].compress = Math.min(out[model].compress, performance.now() - started);
    started = performance.now();
    await decompress(bytes, { threads: 1 });
    out[model].decompress = Math.min(out[model].decompress, performance.now() - started);
  }
}
console.log(JSON.stringify(out));
