// The CLI's small subcommands (compress and decompress are codec.ts's). Each takes its own
// arguments and returns when done; errors propagate as BbansError / CliError for main.ts to report
// in one line.

import { checkModelMatches } from '../api.js';
import { describe } from '../describe.js';
import { loadModel } from '../models.js';
import { toHex } from '../sha256.js';
import { elementCount } from '../shape.js';
import { IdxFormatError, readIdx, writeIdx } from '../data/idx.js';
import { binarize } from '../data/binarize.js';
import { checkOutput, readInput, withSource, writeOutput } from './files.js';
import { parse } from './parse.js';
import { CliError, UsageError } from './errors.js';

function onlyInput(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one input file (or - for stdin)\n${usage}`);
  return positionals[0]!;
}

function readIdxOrFail(bytes: Uint8Array, path: string): { dims: number[]; data: Uint8Array } {
  try {
    return readIdx(bytes);
  } catch (error) {
    if (error instanceof IdxFormatError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

export const INFO_USAGE = `usage: bbans info [--model M] [--frames] FILE   what a .bbans file holds
  Reads the headers and indexes only (nothing is decoded). --frames lists every frame and its
  kind: coded, or stored (its pixels as they are, where coding would have made it larger).
  With --model (a model directory or a shipped model's name), also checks that the file was made
  with that model (MODEL_MISMATCH otherwise) and prints the model's held-out rate.`;

export async function infoCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, frames: { type: 'boolean' } }, INFO_USAGE);
  if (values.help) return void console.log(INFO_USAGE);
  const info = await withSource(onlyInput(positionals, INFO_USAGE), describe);
  const { header, count } = info;
  const frames = info.segments.flatMap((s) => s.frames);
  const pixels = count * elementCount(header.itemShape);
  const versions = [...new Set(info.segments.map((s) => s.version))].join(', ');
  const sizes = frames.map((f) => f.count);
  const stored = frames.filter((f) => f.kind === 'stored').length;
  console.log(`format            version ${versions}, ${info.segments.length} segment${info.segments.length === 1 ? '' : 's'}, ${frames.length} frame${frames.length === 1 ? '' : 's'}${sizes.length ? ` of ${Math.min(...sizes)}..${Math.max(...sizes)} images` : ''}${stored ? ` (${stored} stored as pixels)` : ''}
model             ${header.modelName} (fingerprint ${toHex(header.fingerprint)})
source            ${header.source}, ${8 * header.pixelBytes}-bit pixels
images            ${count} x ${header.itemShape.join('x')}
latent bins       2^${header.binsLog2}
precisions        posterior ${header.posteriorPrecision}, likelihood ${header.likelihoodPrecision}
size              ${info.bytes} bytes, ${pixels ? ((8 * info.bytes) / pixels).toFixed(4) : '-'} bits/pixel`);
  if (values.frames) {
    console.log('frame     first    images      offset       bytes    kind  chains');
    frames.forEach((f, i) => console.log(([[i, 5], [f.first, 9], [f.count, 9], [f.offset, 11], [f.bytes, 11], [f.kind, 7], [f.kind === 'stored' ? '-' : f.chains, 7]] as const).map(([v, w]) => String(v).padStart(w)).join(' ')));
  }
  if (values.model === undefined) return;
  const model = await loadModel(values.model as string);
  checkModelMatches(header, model);
  const heldOut = model.manifest?.heldOut;
  console.log(`model check       ${values.model} made this file${heldOut ? `; its held-out rate is ${heldOut.negativeElboBitsPerDim.toFixed(4)} bits/pixel (-ELBO on ${heldOut.images} images)` : ''}`);
}

export const BINARIZE_USAGE = `usage: bbans binarize IN -o OUT [--seed N | --threshold T] [-f]
  Binarizes an idx ubyte file: pixel = 1 iff u < v/255 with u from numpy's RandomState(seed)
  (seed 0: the paper's binarized MNIST test set), or pixel = v >= T with --threshold.`;

export async function binarizeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' },
    seed: { type: 'string' },
    threshold: { type: 'string' },
    force: { type: 'boolean', short: 'f', default: false },
  }, BINARIZE_USAGE);
  if (values.help) return void console.log(BINARIZE_USAGE);
  const input = onlyInput(positionals, BINARIZE_USAGE);
  if (values.output === undefined) throw new UsageError(`binarize needs -o OUT\n${BINARIZE_USAGE}`);
  if (values.seed !== undefined && values.threshold !== undefined) throw new UsageError('give --seed or --threshold, not both');
  const number = (name: string, text: string, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be an integer in 0..${max}, got ${text}`);
    return n;
  };
  await checkOutput(values.output as string, values.force as boolean);
  const { dims, data } = readIdxOrFail((await readInput(input)).bytes, input);
  const rule = values.threshold !== undefined
    ? ({ rule: 'threshold', threshold: number('threshold', values.threshold as string, 256) } as const)
    : ({ rule: 'numpy-mt19937', seed: number('seed', (values.seed as string | undefined) ?? '0', 2 ** 32 - 1) } as const);
  await writeOutput(values.output as string, writeIdx({ dims, data: binarize(data, rule) }));
}
