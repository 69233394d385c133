// `bbans compress` and `bbans decompress` (also `bbans -d`, `bbans -t`), with gzip's and zstd's
// habits: several files in one call, each FILE -> FILE.bbans and back; standard input to standard
// output when no file is named and stdin is not a terminal; -c for stdout, -t to test, -k accepted
// (inputs are always kept); compressed data never written to a terminal without -f. With several
// files, a failure is reported in one line and the rest still run; the exit code is then 1.

import { compress, decompress } from '../api.js';
import { BbansError } from '../errors.js';
import { type ImageFile, ImageFileError, readImageFile, writeImageFile } from '../data/image-file.js';
import { STDIO, checkOutput, readInput, writeOutput } from './files.js';
import { CliError, UsageError } from './errors.js';
import { parse, parseShape, positiveInteger } from './parse.js';
import { progressBar } from './progress.js';

export const SUFFIX = '.bbans';

type Mode = 'compress' | 'decompress' | 'test';

export const CODEC_USAGE = `usage: bbans compress [options] [FILE...]     FILE -> FILE.bbans
       bbans decompress [options] [FILE...]   FILE.bbans -> FILE, byte for byte (also: bbans -d)
  FILE is a .npy file (uint8, uint16 or bool, shape (count, ...)), an idx ubyte file (e.g. MNIST),
  or raw 8-bit pixels with --shape. With no FILE, or -, standard input is read (unless it is a
  terminal) and the output goes to standard output.
  -d, --decompress   decompress (bbans compress -d is bbans decompress)
  -t, --test         decompress and check each file, write nothing (also: bbans -t)
  -c, --stdout       write to standard output
  -o, --output OUT   the output file (one input only)
  -k, --keep         keep the input files (always so: bbans never deletes an input)
  -f, --force        overwrite existing outputs; write compressed data to a terminal
  -q, --quiet        no progress bar (it is drawn only on a terminal, for work over a second)
  --model M          a model directory (as bbans train writes them) or a shipped model:
                     mnist-8bit-ar, mnist-binary-ar, or the paper's mnist-8bit, mnist-binary.
                     compress: by default the best shipped model for the data (the binary one
                     when every pixel is 0 or 1); decompress: by default the shipped one the file names
  --chains B         compress: independent chains (default one per 65,536 pixels, 1..64)
  --shape H,W        compress: the image shape of raw pixels (or N,H,W)
  Outputs keep the input's mode and modification time. An existing output is refused without -f,
  and one that is not a regular file (a FIFO, a device) always. Exit codes: 0 success, 1 an
  operation failed, 2 a usage mistake.`;

interface CodecJob {
  mode: Mode;
  inputs: string[];
  toStdout: boolean;
  output?: string;
  force: boolean;
  quiet: boolean;
  model?: string;
  chains?: number;
  shape?: number[];
}

function parseJob(argv: string[], mode: Mode): CodecJob | undefined {
  const { values, positionals } = parse(argv, {
    decompress: { type: 'boolean', short: 'd' },
    test: { type: 'boolean', short: 't' },
    stdout: { type: 'boolean', short: 'c' },
    keep: { type: 'boolean', short: 'k' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean', short: 'f', default: false },
    quiet: { type: 'boolean', short: 'q', default: false },
    model: { type: 'string' },
    chains: { type: 'string' },
    shape: { type: 'string' },
  }, CODEC_USAGE);
  if (values.help) return void console.log(CODEC_USAGE);
  const chosen: Mode = values.test ? 'test' : values.decompress ? 'decompress' : mode;
  const inputs = positionals.length > 0 ? positionals : [STDIO];
  if (positionals.length === 0 && process.stdin.isTTY) {
    throw new UsageError(`no input file named, and standard input is a terminal\n${CODEC_USAGE}`);
  }
  if (values.output !== undefined && inputs.length > 1) throw new UsageError('-o names one output; with several inputs, leave it out (each FILE gets its own)');
  if (values.output !== undefined && values.stdout) throw new UsageError('give -o or -c, not both');
  if (chosen === 'compress' && values.stdout && inputs.length > 1) throw new UsageError('-c with several inputs would write several bbans files into one stream, which no decoder reads as one; compress them one at a time');
  if (chosen !== 'compress' && (values.chains !== undefined || values.shape !== undefined)) throw new UsageError('--chains and --shape are for compressing');
  return {
    mode: chosen,
    inputs,
    toStdout: values.stdout === true,
    output: values.output as string | undefined,
    force: values.force as boolean,
    quiet: values.quiet as boolean,
    model: values.model as string | undefined,
    chains: positiveInteger('chains', values.chains),
    shape: values.shape === undefined ? undefined : parseShape(values.shape as string),
  };
}

/** Where one input's result goes: a file, standard output, or nowhere (testing). */
function outputFor(job: CodecJob, input: string): string | undefined {
  if (job.mode === 'test') return undefined;
  if (job.output !== undefined) return job.output;
  if (job.toStdout || input === STDIO) return STDIO;
  if (job.mode === 'compress') return input + SUFFIX;
  if (input.endsWith(SUFFIX) && input.length > SUFFIX.length) return input.slice(0, -SUFFIX.length);
  throw new UsageError(`cannot name the output of ${input} (it does not end in ${SUFFIX}); use -o or -c`);
}

function readImagesOrFail(bytes: Uint8Array, input: string, shape?: number[]): ImageFile {
  try {
    return readImageFile(bytes, input === STDIO ? 'standard input' : input, shape);
  } catch (error) {
    if (error instanceof ImageFileError) throw new CliError(error.message);
    throw error;
  }
}

async function runOne(job: CodecJob, input: string): Promise<void> {
  const output = outputFor(job, input);
  if (output === STDIO && job.mode === 'compress' && process.stdout.isTTY && !job.force) {
    throw new CliError('compressed data is not written to a terminal; use -f to force it, or -o FILE');
  }
  if (input === STDIO && job.mode !== 'compress' && process.stdin.isTTY) throw new CliError('compressed data is not read from a terminal');
  if (output !== undefined) await checkOutput(output, job.force);
  const { bytes, stats } = await readInput(input);
  if (job.mode === 'compress') {
    const file = readImagesOrFail(bytes, input, job.shape);
    const compressed = await compress(file.images, {
      model: job.model, chains: job.chains, source: file.source, sourceHeader: file.sourceHeader,
      onProgress: progressBar('compressing', job.quiet),
    });
    return writeOutput(output!, compressed, stats);
  }
  const restored = await decompress(bytes, { model: job.model, onProgress: progressBar(job.mode === 'test' ? 'testing' : 'decompressing', job.quiet) });
  if (output !== undefined) await writeOutput(output, writeImageFile(restored), stats);
}

/** runOne, with the library's errors (which know nothing of files) naming the input, as gzip's do. */
async function runNamed(job: CodecJob, input: string): Promise<void> {
  try {
    await runOne(job, input);
  } catch (error) {
    if (error instanceof BbansError) throw new CliError(`${input === STDIO ? 'standard input' : input}: ${error.message}`, 1, { cause: error });
    throw error;
  }
}

/** Runs the job over every input; returns 1 if any failed (each failure reported in one line), else 0. */
async function runJob(job: CodecJob): Promise<number> {
  if (job.inputs.length === 1) {
    await runNamed(job, job.inputs[0]!);
    return 0;
  }
  let failed = 0;
  for (const input of job.inputs) {
    try {
      await runNamed(job, input);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      failed++;
      console.error(`bbans: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

export async function compressCommand(argv: string[]): Promise<number> {
  const job = parseJob(argv, 'compress');
  return job ? runJob(job) : 0;
}

export async function decompressCommand(argv: string[]): Promise<number> {
  const job = parseJob(argv, 'decompress');
  return job ? runJob(job) : 0;
}
