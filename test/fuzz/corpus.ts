// The well-formed files the fuzzer joins, splices and damages, for one shipped model: digits in
// frames of coded chains, the same at other precisions and framing, a file that mixes coded and
// stored frames, a file of no images, and (for the model that wrote it) the version-2 fixture.
// Each comes with the images it holds, so every case built from them knows what it must decode to.
// All are made as idx files, the fixture's source, so that any of them may join any other.
import { readFileSync } from 'node:fs';
import { compress } from '../../src/api.js';
import type { CompressOptions } from '../../src/options.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../../src/data/mnist.js';
import type { CodecModel } from '../../src/models.js';
import { loadModel } from '../../src/models.js';
import { concatBytes } from '../../src/format/bytes.js';
import { rawSegments } from '../format-edit.js';
import { rng } from '../random.js';
import type { Source } from './sources.js';

const IMAGE = 784;

export interface Corpus {
  model: CodecModel;
  pieces: Source[];
}

/** Written by bbans before version 3: mnist-8bit-ar, test images 0-7 as idx, frames of 3 (test/format.test.ts). */
const V2_FIXTURE = { model: 'mnist-8bit-ar', path: '../fixtures/v2/mnist-test-0-8.idx.bbans', images: 8 };

async function piece(what: string, images: Uint8Array, model: CodecModel, options: CompressOptions): Promise<Source> {
  const bytes = await compress(images, { model, source: 'idx', threads: 0, ...options });
  return { what, images, segments: await rawSegments(bytes) };
}

/** `count` images of each: fair noise of the model's pixel range (stored at its bits), and its top value (stored in no bytes). */
function unfit(model: CodecModel, count: number): { noise: Uint8Array; constant: Uint8Array } {
  const top = model.spec.maxPixelValue;
  const random = rng(20_261_208);
  return {
    noise: Uint8Array.from({ length: count * IMAGE }, () => Math.floor(random() * (top + 1))),
    constant: new Uint8Array(count * IMAGE).fill(top),
  };
}

/** The corpus of the shipped model `name`, with `images` digits in each file of digits. */
export async function corpusFor(name: string, images: number): Promise<Corpus> {
  const model = await loadModel(name);
  const mnist = model.spec.maxPixelValue === 1 ? loadBinarizedMnistTest().pixels : loadMnistImages('test').pixels;
  const digits = (from: number, count: number): Uint8Array => mnist.slice(from * IMAGE, (from + count) * IMAGE);
  const frame = Math.max(1, Math.ceil(images / 4));
  const { noise, constant } = unfit(model, frame);
  const pieces = [
    await piece('digits', digits(0, images), model, { frameSize: Math.max(1, Math.ceil(images / 3)), chains: 2 }),
    await piece('digits-fine', digits(images, images), model, { frameSize: 2, chains: 1, binsLog2: model.coding.binsLog2 - 1 }),
    await piece('mixed', concatBytes([digits(2 * images, frame), noise, constant, digits(3 * images, frame)]), model, { frameSize: frame }),
    await piece('empty', new Uint8Array(0), model, {}),
  ];
  const kinds = new Set(pieces.flatMap((p) => p.segments.flatMap((s) => s.kinds)));
  if (!kinds.has('stored') || !kinds.has('coded')) throw new Error(`the ${name} corpus lacks a kind of frame: it has ${[...kinds].join(', ')}`);
  if (name === V2_FIXTURE.model) {
    const bytes = new Uint8Array(readFileSync(new URL(V2_FIXTURE.path, import.meta.url)));
    pieces.push({ what: 'v2-fixture', images: loadMnistImages('test').pixels.slice(0, V2_FIXTURE.images * IMAGE), segments: await rawSegments(bytes) });
  }
  return { model, pieces };
}
