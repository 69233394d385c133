// `bbans compress` and `bbans decompress` (also `bbans -d`, `bbans -t`), with gzip's and zstd's
// habits: several files in one call, each FILE -> FILE.bbans and back; standard input to standard
// output when no file is named and stdin is not a terminal; -c for stdout, -t to test, -k accepted
// (inputs are always kept); compressed data never written to a terminal without -f. With several
// files, a failure is reported in one line and the rest still run; the exit code is then 1.

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Decompressed, decompressRange } from '../api.js';
import { BbansError } from '../errors.js';
import { readLayout } from '../format/layout.js';
import { BEST_SHIPPED_MODEL } from '../models.js';
import { FRAME_COST_SHARE, IMAGES_PER_CHAIN, MAX_THREADS } from '../options.js';
import { firstPixelAbove } from '../pixels.js';
import { compressChunks, decompressChunks } from '../streams.js';
import { ImageFileError, imageFileBody, imageFileHead, storedCount } from '../data/image-file.js';
import { readImageStream } from '../data/image-stream.js';
import { STDIO, checkOutput, openInput, openOutput, withSource } from './files.js';
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
  -T, --threads N    worker threads coding frames in parallel (default and 0: one per core);
                     the output is the same for every N
  --frame-size N     compress: images per frame (default: as many as make a frame's fixed cost, at most,
                     1/${1 / FRAME_COST_SHARE} of its expected output at the model's held-out rate: 507 images
                     for mnist-8bit-ar, 3684 for mnist-binary-ar)
  --chains B         compress: independent chains per frame (default one per ${IMAGES_PER_CHAIN} images, a power of two,
                     at least 2, at most as many as make their heads 1/${1 / FRAME_COST_SHARE} of the frame)
  --shape H,W        compress: the image shape of raw pixels (or N,H,W)
  --range A:B        decompress: only images A..B-1 (of a named file), as a file of B-A images;
                     only the frames holding them are read and decoded
  Files of any size stream through in bounded memory. With -c, several inputs make one stream:
  compressed files concatenate into one bbans file (cat a.bbans b.bbans works too). Outputs keep
  the input's mode and modification time. An existing output is refused without -f, and one that
  is not a regular file (a FIFO, a device) always. Exit codes: 0 success, 1 an operation failed,
  2 a usage mistake.`;

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
  threads?: number;
  frameSize?: number;
  range?: [number, number];
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
    threads: { type: 'string', short: 'T' },
    'frame-size': { type: 'string' },
    range: { type: 'string' },
  }, CODEC_USAGE);
  if (values.help) return void console.log(CODEC_USAGE);
  const chosen: Mode = values.test ? 'test' : values.decompress ? 'decompress' : mode;
  const inputs = positionals.length > 0 ? positionals : [STDIO];
  if (positionals.length === 0 && process.stdin.isTTY) {
    throw new UsageError(`no input file named, and standard input is a terminal\n${CODEC_USAGE}`);
  }
  if (values.output !== undefined && inputs.length > 1) throw new UsageError('-o names one output; with several inputs, leave it out (each FILE gets its own)');
  if (values.output !== undefined && values.stdout) throw new UsageError('give -o or -c, not both');
  if (chosen !== 'compress' && (values.chains !== undefined || values.shape !== undefined || values['frame-size'] !== undefined)) throw new UsageError('--chains, --frame-size and --shape are for compressing');
  if (chosen === 'compress' && values.range !== undefined) throw new UsageError('--range is for decompressing');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= MAX_THREADS)) throw new UsageError(`--threads must be an integer in 0..${MAX_THREADS}, got ${values.threads}`);
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
    // 0 means every core, as with zstd -T0.
    threads: threads === 0 ? undefined : threads,
    frameSize: positiveInteger('frame-size', values['frame-size']),
    range: values.range === undefined ? undefined : parseRange(values.range as string),
  };
}

function parseRange(text: string): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(text);
  const [from, to] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(from <= to)) throw new UsageError(`--range must be A:B with 0 <= A <= B (images A..B-1), got "${text}"`);
  return [from, to];
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

function nameOf(input: string): string {
  return input === STDIO ? 'standard input' : input;
}

/** Writes the chunks to `path` as they come; on any failure the output is discarded. */
async function writeAll(path: string, chunks: AsyncIterable<Uint8Array>, like?: Stats): Promise<void> {
  const output = await openOutput(path, like);
  try {
    for await (const chunk of chunks) await output.write(chunk);
    await output.commit();
  } catch (error) {
    await output.discard();
    throw error;
  }
}

/** The best shipped model for a named file: one pass over its pixels, stopping at the first above 1. */
async function bestModelForFile(input: string, shape?: number[]): Promise<string> {
  const { chunks, stats } = await openInput(input);
  const images = await readImageStream(chunks, input, shape, stats?.isFile() ? stats.size : undefined);
  for await (const pixels of images.pixels) {
    if (firstPixelAbove(pixels, 1) >= 0) {
      await images.pixels.return(undefined);
      return BEST_SHIPPED_MODEL.eightBit;
    }
  }
  return BEST_SHIPPED_MODEL.binary;
}

async function compressOne(job: CodecJob, input: string, output: string): Promise<void> {
  const { chunks, stats } = await openInput(input);
  // A regular file can be read twice; standard input and pipes once, so their model cannot depend on what is in them.
  const model = job.model ?? (stats?.isFile() ? await bestModelForFile(input, job.shape) : BEST_SHIPPED_MODEL.eightBit);
  const images = await readImageStream(chunks, nameOf(input), job.shape, stats?.isFile() ? stats.size : undefined);
  const bar = progressBar('compressing', job.quiet);
  const compressed = compressChunks(images.pixels, {
    model, source: images.source, itemShape: images.itemShape,
    ...(images.sourceHeader && { sourceHeader: images.sourceHeader }),
    ...(job.chains !== undefined && { chains: job.chains }),
    ...(job.frameSize !== undefined && { frameSize: job.frameSize }),
    ...(job.threads !== undefined && { threads: job.threads }),
    ...(bar && { onProgress: (done: number) => bar(done, images.count) }),
  });
  await writeAll(output, compressed, stats);
}

/** The image file's bytes: its header for `count` images (when known), then each batch's pixels. */
async function* imageFile(batches: AsyncIterable<Decompressed>, count: number | undefined, input: string): AsyncGenerator<Uint8Array> {
  let written = 0;
  let expected = count;
  for await (const batch of batches) {
    const kind = { source: batch.source, sourceHeader: batch.sourceHeader, itemShape: batch.shape.slice(1) };
    if (written === 0) {
      // From a stream, the count is the one the stored file header gives (a one-frame version-1 file: all of it).
      expected ??= batch.source === 'raw' ? undefined : storedCount(kind) ?? batch.shape[0];
      yield imageFileHead(kind, expected ?? 0);
    }
    written += batch.shape[0]!;
    if (expected !== undefined && written > expected) throw new CliError(`${nameOf(input)}: it holds more than the ${expected} images the ${batch.source} header written first says (a joined stream?); decompress it as a named file`);
    yield imageFileBody(kind, batch.data);
  }
  if (expected !== undefined && written !== expected) throw new CliError(`${nameOf(input)}: it holds ${written} images, the header written first says ${expected}`);
}

async function decompressOne(job: CodecJob, input: string, output: string | undefined): Promise<void> {
  const bar = progressBar(job.mode === 'test' ? 'testing' : 'decompressing', job.quiet);
  const options = {
    ...(job.model !== undefined && { model: job.model }),
    ...(job.threads !== undefined && { threads: job.threads }),
  };
  const consume = async (batches: AsyncIterable<Decompressed>, count: number | undefined, like?: Stats): Promise<void> => {
    if (output === undefined) for await (const _ of batches);
    else await writeAll(output, imageFile(batches, count, input), like);
  };
  if (input === STDIO) {
    if (job.range) throw new UsageError('--range reads only the frames it needs, so it needs a named file, not standard input');
    const { chunks } = await openInput(STDIO);
    return consume(decompressChunks(chunks, { ...options, ...(bar && { onProgress: (done: number) => bar(done) }) }), undefined);
  }
  const like = await stat(input).catch(() => undefined);
  await withSource(input, async (source) => {
    const layout = await readLayout(source);
    const range = job.range ?? [0, layout.count];
    if (range[1] > layout.count) throw new CliError(`${input} holds ${layout.count} images; --range ${range[0]}:${range[1]} asks for more`);
    const batches = decompressRange(layout, range, { ...options, ...(bar && { onProgress: bar }) });
    await consume(batches, range[1] - range[0], like);
  });
}

async function runOne(job: CodecJob, input: string): Promise<void> {
  const output = outputFor(job, input);
  if (output === STDIO && job.mode === 'compress' && process.stdout.isTTY && !job.force) {
    throw new CliError('compressed data is not written to a terminal; use -f to force it, or -o FILE');
  }
  if (input === STDIO && job.mode !== 'compress' && process.stdin.isTTY) throw new CliError('compressed data is not read from a terminal');
  if (output !== undefined) await checkOutput(output, job.force);
  if (job.mode === 'compress') return compressOne(job, input, output!);
  return decompressOne(job, input, output);
}

/** runOne, with the library's errors (which know nothing of files) naming the input, as gzip's do. */
async function runNamed(job: CodecJob, input: string): Promise<void> {
  try {
    await runOne(job, input);
  } catch (error) {
    if (error instanceof BbansError) throw new CliError(`${nameOf(input)}: ${error.message}`, 1, { cause: error });
    if (error instanceof ImageFileError) throw new CliError(error.message, 1, { cause: error });
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
