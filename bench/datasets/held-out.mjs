// Writes the images `bbans train --data FILE` held out (its default split: 10% chosen by seed 1),
// as a .npy file, so `bbans bench --data HELD.npy --model DIR` measures the model on images it was
// not trained on. Uses the trainer's own split (dist/train/dataset.js), so it is the same set.
//
//   node bench/datasets/held-out.mjs FILE.npy OUT.npy [--seed 1] [--fraction 0.1]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readNpy, writeNpy } from '../../dist/data/npy.js';
import { splitHeldOut } from '../../dist/train/dataset.js';
import { streamSeed } from '../../dist/train/rng.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '1' }, fraction: { type: 'string', default: '0.1' } } });
if (positionals.length !== 2) throw new Error('usage: node bench/datasets/held-out.mjs FILE.npy OUT.npy [--seed 1] [--fraction 0.1]');
const [input, output] = positionals;
const { dtype, shape, data } = readNpy(new Uint8Array(readFileSync(input)));
const pixels = shape.slice(1).reduce((a, b) => a * b, 1);
const { heldOut } = splitHeldOut({ count: shape[0], pixels: data }, pixels, Number(values.fraction), streamSeed(Number(values.seed), 'split'));
writeFileSync(output, writeNpy({ dtype, shape: [heldOut.count, ...shape.slice(1)], data: heldOut.pixels }));
console.log(`${output}: ${heldOut.count} of ${shape[0]} images held out (seed ${values.seed}, fraction ${values.fraction})`);
