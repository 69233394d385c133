// The CLI's subcommands. Each takes its own arguments and returns when done; errors propagate as
// BbansError / CliError for main.ts to report in one line.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { compress, decompress } from '../api.js';
import { decodeContainer } from '../container.js';
import { toHex } from '../sha256.js';
import { elementCount } from '../shape.js';
import { IdxFormatError, readIdx, writeIdx } from '../data/idx.js';
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

function isIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08;
}

function parseShape(text: string): number[] {
  const dims = text.split(',').map(Number);
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new UsageError(`--shape must look like N,28,28, got "${text}"`);
  return dims;
}

function readIdxOrFail(bytes: Uint8Array, path: string): { dims: number[]; data: Uint8Array } {
  try {
    return readIdx(bytes);
  } catch (error) {
    if (error instanceof IdxFormatError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

export const COMPRESS_USAGE = `usage: bbans compress [--model NAME] [--chains B] [--shape N,28,28] [-o OUT] [-f] [-q] IN
  IN is an idx ubyte file (e.g. MNIST images), or raw pixels with --shape; - reads stdin.
  --model: mnist-8bit-ar, mnist-binary-ar, or the paper's mnist-8bit, mnist-binary; by default
  the best shipped model for the data (the binary one when every pixel is 0 or 1).
  Writes IN.bbans unless -o is given (- for stdout); keeps IN; refuses to overwrite without -f.
  -q/--quiet: no progress bar (it is drawn only on a terminal, for work over a second).`;

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
  await checkOutput(output, values.force as boolean);
  const bytes = await readInput(input);
  let images: { data: Uint8Array; shape: number[] };
  if (values.shape !== undefined) images = { data: bytes, shape: parseShape(values.shape as string) };
  else if (isIdx(bytes)) {
    const { dims, data } = readIdxOrFail(bytes, input);
    images = { data, shape: dims };
  } else throw new CliError(`${input} is not an idx ubyte file; for raw pixels give --shape N,28,28`);
  const chains = values.chains === undefined ? undefined : Number(values.chains);
  if (chains !== undefined && !(Number.isInteger(chains) && chains >= 1)) throw new UsageError(`--chains must be a positive integer, got ${values.chains}`);
  const compressed = await compress(images, {
    model: values.model as string | undefined,
    chains,
    source: values.shape === undefined ? 'idx' : 'raw',
    onProgress: progressBar('compressing', values.quiet as boolean),
  });
  await writeOutput(output, compressed);
}

export const DECOMPRESS_USAGE = `usage: bbans decompress [-o OUT] [-f] [-q] IN
  Restores the original file byte for byte (an idx file, or the raw pixels). IN.bbans -> IN by
  default; - reads stdin / writes stdout. Refuses to overwrite without -f.`;

export async function decompressCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, OUTPUT_OPTIONS, DECOMPRESS_USAGE);
  if (values.help) return void console.log(DECOMPRESS_USAGE);
  const input = onlyInput(positionals, DECOMPRESS_USAGE);
  let output = values.output as string | undefined;
  if (output === undefined) {
    if (input === STDIO) output = STDIO;
    else if (input.endsWith(SUFFIX) && input.length > SUFFIX.length) output = input.slice(0, -SUFFIX.length);
    else throw new UsageError(`cannot name the output of ${input} (it does not end in ${SUFFIX}); use -o`);
  }
  await checkOutput(output, values.force as boolean);
  const restored = await decompress(await readInput(input), { onProgress: progressBar('decompressing', values.quiet as boolean) });
  await writeOutput(output, restored.source === 'idx' ? writeIdx({ dims: restored.shape, data: restored.data }) : restored.data);
}

export const INFO_USAGE = 'usage: bbans info FILE   prints the header of a .bbans file';

export async function infoCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {}, INFO_USAGE);
  if (values.help) return void console.log(INFO_USAGE);
  const bytes = await readInput(onlyInput(positionals, INFO_USAGE));
  const { header, message } = decodeContainer(bytes);
  const pixels = header.count * elementCount(header.itemShape);
  console.log(`model             ${header.modelName} (fingerprint ${toHex(header.fingerprint)})
source            ${header.source}
images            ${header.count} x ${header.itemShape.join('x')}
chains            ${header.chains}
latent bins       2^${header.binsLog2}
precisions        posterior ${header.posteriorPrecision}, likelihood ${header.likelihoodPrecision}
crc32             ${header.crc32.toString(16).padStart(8, '0')}
size              ${bytes.length} bytes (message ${message.length}), ${pixels ? ((8 * bytes.length) / pixels).toFixed(4) : '-'} bits/pixel`);
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
