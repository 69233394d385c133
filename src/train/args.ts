// Command line of `bbans train` (npm run train -- ...).
import { parseArgs } from 'node:util';
import { SHIPPED_SPECS, isModelName } from '../model/spec.js';
import type { TrainSettings } from './settings.js';
import { defaultSettings } from './settings.js';

export const USAGE = `usage: bbans train --model NAME [options]   (or npm run train -- ...)
  --model NAME       mnist-binary, mnist-8bit (the paper's VAEs), mnist-binary-ar, mnist-8bit-ar
  --epochs N         total epochs to reach (default 1000; may change when resuming)
  --batch-size N     minibatch size (default 100)
  --lr X             Adam learning rate (default 0.001; may change when resuming)
  --seed N           base seed for init, batch order, noise, binarization (default 1)
  --models-dir DIR   where models/<name>/ lives (default models)
  --fresh            ignore and replace an existing checkpoint`;

/** A bad command line: reported without a stack trace. */
export class UsageError extends Error {}

export interface TrainCommand {
  settings: TrainSettings;
  modelsDir: string;
  fresh: boolean;
}

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"\n${USAGE}`);
  }
  return value;
}

function parseArgsOrUsage(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        'models-dir': { type: 'string', default: 'models' },
        fresh: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

export function parseTrainCommand(argv: string[]): TrainCommand {
  const { values } = parseArgsOrUsage(argv);
  if (!values.model || !isModelName(values.model)) {
    throw new UsageError(`--model must be one of ${Object.keys(SHIPPED_SPECS).join(', ')}, got "${values.model ?? ''}"\n${USAGE}`);
  }
  const settings = defaultSettings(values.model);
  settings.epochs = positiveNumber('epochs', values.epochs, true) ?? settings.epochs;
  settings.batchSize = positiveNumber('batch-size', values['batch-size'], true) ?? settings.batchSize;
  settings.learningRate = positiveNumber('lr', values.lr, false) ?? settings.learningRate;
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be a uint32\n${USAGE}`);
    settings.seed = seed;
  }
  return { settings, modelsDir: values['models-dir']!, fresh: values.fresh! };
}
