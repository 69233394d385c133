// The CLI's subcommands. Each takes its own arguments and returns when done; errors propagate as
// BbansError / CliError for main.ts to report in one line.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { checkModelMatches, compress, decompress } from '../api.js';
import { decodeContainer } from '../container.js';
import { loadModel } from '../models.js';
import { toHex } from '../sha256.js';
import { elementCount } from '../shape.js';
import { IdxFormatError, readIdx, writeIdx } from '../data/idx.js';
import { type ImageFile, ImageFileError, readImageFile, writeImageFile } from '../data/image-file.js';
import { binarize } from '../data/binarize.js';
import { STDIO, checkOutput, readInput, writeOutput } from './files.js';
import { CliError, UsageError } from './errors.js';
import { progressBar } from './progress.js';

const SUFFIX = '.bbans';

/** What every command that writes a coded or decoded file takes. */
const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean', short: 'f', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): Parsed {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }) as Parsed;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

function onlyInput(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one input file (or - for stdin)\n${usage}`);
  return positionals[0]!;
}

function parseShape(text: string): number[] {
  const dims = text.split(',').map(Number);
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`--shape must look like H,W (or N,H,W), got "${text}"`);
  return dims;
}

function readImagesOrFail(bytes: Uint8Array, path: string, shape?: number[]): ImageFile {
  try {
    return readImageFile(bytes, path === STDIO ? 'stdin' : path, shape);
  } catch (error) {
    if (error instanceof ImageFileError) throw new CliError(error.message);
    throw error;
  }
}

function readIdxOrFail(bytes: Uint8Array, path: string): { dims: number[]; data: Uint8Array } {
  try {
    return readIdx(bytes);
  } catch (error) {
    if (error instanceof IdxFormatError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

const MODEL_HELP = `--model: a model directory (as bbans train writes them) or a shipped model: mnist-8bit-ar,
  mnist-binary-ar, or the paper's mnist-8bit, mnist-binary`;

export const COMPRESS_USAGE = `usage: bbans compress [--model M] [--chains B] [--shape H,W] [-o OUT] [-f] [-q] IN
  IN is a .npy file (uint8, uint16 or bool, shape (count, ...)), an idx ubyte file (e.g. MNIST
  images), or raw 8-bit pixels with --shape; - reads stdin.
  ${MODEL_HELP}; by default the best shipped model for the data (the binary one when every pixel is 0 or 1).
  --chains: independent chains (default: one per 65,536 pixels, 1..64).
  Writes IN.bbans unless -o is given (- for stdout); keeps IN; refuses to overwrite without -f.
  -q/--quiet: no progress bar (it is drawn only on a terminal, for work over a second).`;

function positiveInteger(name: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1)) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
  return value;
}

export async function compressCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    model: { type: 'string' },
    chains: { type: 'string' },
    shape: { type: 'string' },
    ...OUTPUT_OPTIONS,
  }, COMPRESS_USAGE);
  if (values.help) return void console.log(COMPRESS_USAGE);
  const input = onlyInput(positionals, COMPRESS_USAGE);
  const output = (values.output as string | undefined) ?? (input === STDIO ? STDIO : input + SUFFIX);
  const chains = positiveInteger('chains', values.chains);
  const shape = values.shape === undefined ? undefined : parseShape(values.shape as string);
  await checkOutput(output, values.force as boolean);
  const file = readImagesOrFail(await readInput(input), input, shape);
  const compressed = await compress(file.images, {
    model: values.model as string | undefined,
    chains,
    source: file.source,
    sourceHeader: file.sourceHeader,
    onProgress: progressBar('compressing', values.quiet as boolean),
  });
  await writeOutput(output, compressed);
}

export const DECOMPRESS_USAGE = `usage: bbans decompress [--model M] [-o OUT] [-f] [-q] IN
  Restores the original file byte for byte (a .npy or idx file, or the raw pixels). IN.bbans -> IN
  by default; - reads stdin / writes stdout. Refuses to overwrite without -f.
  ${MODEL_HELP}; by default the shipped model the file names.`;

export async function decompressCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, ...OUTPUT_OPTIONS }, DECOMPRESS_USAGE);
  if (values.help) return void console.log(DECOMPRESS_USAGE);
  const input = onlyInput(positionals, DECOMPRESS_USAGE);
  let output = values.output as string | undefined;
  if (output === undefined) {
    if (input === STDIO) output = STDIO;
    else if (input.endsWith(SUFFIX) && input.length > SUFFIX.length) output = input.slice(0, -SUFFIX.length);
    else throw new UsageError(`cannot name the output of ${input} (it does not end in ${SUFFIX}); use -o`);
  }
  await checkOutput(output, values.force as boolean);
  const restored = await decompress(await readInput(input), {
    model: values.model as string | undefined,
    onProgress: progressBar('decompressing', values.quiet as boolean),
  });
  await writeOutput(output, writeImageFile(restored));
}

export const INFO_USAGE = `usage: bbans info [--model M] FILE   prints the header of a .bbans file
  With --model (a model directory or a shipped model's name), also checks that the file was made
  with that model (MODEL_MISMATCH otherwise) and prints the model's held-out rate.`;

export async function infoCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { model: { type: 'string' } }, INFO_USAGE);
  if (values.help) return void console.log(INFO_USAGE);
  const bytes = await readInput(onlyInput(positionals, INFO_USAGE));
  const { header, message } = decodeContainer(bytes);
  const pixels = header.count * elementCount(header.itemShape);
  console.log(`model             ${header.modelName} (fingerprint ${toHex(header.fingerprint)})
source            ${header.source}, ${8 * header.pixelBytes}-bit pixels
images            ${header.count} x ${header.itemShape.join('x')}
chains            ${header.chains}
latent bins       2^${header.binsLog2}
precisions        posterior ${header.posteriorPrecision}, likelihood ${header.likelihoodPrecision}
crc32             ${header.crc32.toString(16).padStart(8, '0')}
size              ${bytes.length} bytes (message ${message.length}), ${pixels ? ((8 * bytes.length) / pixels).toFixed(4) : '-'} bits/pixel`);
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
  const { dims, data } = readIdxOrFail(await readInput(input), input);
  const rule = values.threshold !== undefined
    ? ({ rule: 'threshold', threshold: number('threshold', values.threshold as string, 256) } as const)
    : ({ rule: 'numpy-mt19937', seed: number('seed', (values.seed as string | undefined) ?? '0', 2 ** 32 - 1) } as const);
  await writeOutput(values.output as string, writeIdx({ dims, data: binarize(data, rule) }));
}
