// Stored frames (format version 3): a frame the model would code larger than its pixels is written
// as its pixels packed, so no file grows much past them. Data the models do not fit, a file of both
// kinds read every way there is, the packing itself, and stored frames that lie.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe as group, expect, it } from 'vitest';
import { BbansError, type BbansErrorCode, type FileDescription, compress, compressChunks, decompress, decompressChunks, decompressStream, describe } from '../src/index.js';
import { loadMnistImages } from '../src/data/mnist.js';
import { concatBytes } from '../src/format/bytes.js';
import { type StoredFrame, storeFrame, storedRange, unpackStoredFrame } from '../src/format/stored-frame.js';
import { crc32 } from '../src/crc32.js';
import { largestPixel, pixelBytes } from '../src/pixels.js';
import { putTogether, takeApart } from './format-edit.js';
import { bbans } from './run-cli.js';
import { randomInt, rng } from './random.js';

const IMAGE = 784;
const mnist = loadMnistImages('test').pixels;
const digits = (from: number, to: number): Uint8Array => new Uint8Array(mnist.subarray(from * IMAGE, to * IMAGE));
const random = rng(2024);
/** Uniform 8-bit noise, or fair coin flips with `max` 1. */
const noise = (images: number, max = 255): Uint8Array => Uint8Array.from({ length: images * IMAGE }, () => randomInt(random, 0, max));
const constant = (images: number, value: number): Uint8Array => new Uint8Array(images * IMAGE).fill(value);

async function expectCode(promise: Promise<unknown>, code: BbansErrorCode, message?: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BbansError);
  expect((error as BbansError).code, (error as BbansError).message).toBe(code);
  if (message) expect((error as BbansError).message).toMatch(message);
}

/** Worst cases of the bound: a stored record's fields besides its pixels, and its index entry, at their longest. */
const STORED_RECORD_FIELDS = 1 + 4 + 4 + 3 + 1 + 4;
const INDEX_ENTRY = 4 + 4;
/** An index's fixed part: tag, header length, frame count, checksum, length, end mark. */
const INDEX_FIXED = 1 + 3 + 5 + 4 + 4 + 4;

/**
 * Asserts the bound: the file is at most its pixels packed at the bits their largest value needs,
 * plus its header, its index's fixed part, and per frame a stored record's fields, an index entry
 * and a byte of rounding; and every frame at most its own pixels packed plus a record's fields.
 */
async function expectBounded(bytes: Uint8Array, pixels: Uint8Array): Promise<FileDescription> {
  const info = await describe(bytes);
  const frames = info.segments.flatMap((s) => s.frames);
  const bits = (values: Uint8Array): number => Math.max(1, 32 - Math.clz32(largestPixel(values)));
  const packed = Math.ceil((pixels.length * bits(pixels)) / 8);
  const headerBytes = frames[0]!.offset;
  expect(bytes.length).toBeLessThanOrEqual(packed + headerBytes + INDEX_FIXED + frames.length * (STORED_RECORD_FIELDS + INDEX_ENTRY + 1));
  for (const frame of frames) {
    const own = pixels.subarray(frame.first * IMAGE, (frame.first + frame.count) * IMAGE);
    expect(frame.bytes).toBeLessThanOrEqual(Math.ceil((own.length * bits(own)) / 8) + STORED_RECORD_FIELDS);
  }
  return info;
}

const kinds = (info: FileDescription): string[] => info.segments.flatMap((s) => s.frames.map((f) => f.kind));

group('stored frames bound what data the model does not fit costs', () => {
  it('uniform 8-bit noise: every frame stored at 8 bits a pixel', async () => {
    const pixels = noise(250);
    // Frames of 101 images, so that there are several (a default frame holds 507).
    const bytes = await compress(pixels, { frameSize: 101 });
    const info = await expectBounded(bytes, pixels);
    expect(info.header.modelName).toBe('mnist-8bit-ar');
    expect(kinds(info)).toEqual(['stored', 'stored', 'stored']);
    expect((await decompress(bytes)).data).toEqual(pixels);
  });

  it('random 0/1 pixels: every frame stored at 1 bit a pixel', async () => {
    const pixels = noise(800, 1);
    const bytes = await compress(pixels, { frameSize: 400 });
    const info = await expectBounded(bytes, pixels);
    expect(info.header.modelName).toBe('mnist-binary-ar');
    expect(kinds(info)).toEqual(['stored', 'stored']);
    expect((await decompress(bytes)).data).toEqual(pixels);
    // The 8-bit model (a stream's default) takes them too, and stores them at 1 bit all the same.
    const eightBit = await compress(pixels, { model: 'mnist-8bit-ar', frameSize: 400 });
    await expectBounded(eightBit, pixels);
  });

  it('inverted MNIST digits: within the bound, whichever kind each frame takes', async () => {
    const pixels = digits(0, 200).map((v) => 255 - v);
    const bytes = await compress(pixels);
    await expectBounded(bytes, pixels);
    expect((await decompress(bytes)).data).toEqual(pixels);
  });

  it('constant images, of any value, take a few bytes a frame', async () => {
    for (const value of [0, 1, 128, 255]) {
      const pixels = constant(120, value);
      const bytes = await compress(pixels, { model: 'mnist-8bit-ar', frameSize: 50 });
      const info = await describe(bytes);
      expect(kinds(info), `value ${value}`).toEqual(['stored', 'stored', 'stored']);
      expect(bytes.length).toBeLessThanOrEqual(info.segments[0]!.frames[0]!.offset + INDEX_FIXED + 3 * (STORED_RECORD_FIELDS + INDEX_ENTRY));
      expect((await decompress(bytes, { threads: 0 })).data).toEqual(pixels);
    }
  });

  it('MNIST digits stay coded', async () => {
    const bytes = await compress(digits(0, 200));
    expect(new Set(kinds(await describe(bytes)))).toEqual(new Set(['coded']));
  });
});

group('a file of coded and stored frames', () => {
  // Frames of 20: digits (coded), noise (stored), digits, a constant (stored), and 15 digits.
  const pixels = concatBytes([digits(0, 20), noise(20), digits(20, 40), constant(20, 200), digits(40, 55)]);
  const at = (from: number, to: number): Uint8Array => pixels.subarray(from * IMAGE, to * IMAGE);
  const options = { model: 'mnist-8bit-ar', frameSize: 20 } as const;
  const made = compress(pixels, { ...options, threads: 0 });

  it('writes the same bytes on the calling thread, on workers and from chunks', async () => {
    const bytes = await made;
    expect(kinds(await describe(bytes))).toEqual(['coded', 'stored', 'coded', 'stored', 'coded']);
    expect(await compress(pixels, { ...options, threads: 2 })).toEqual(bytes);
    const streamed: Uint8Array[] = [];
    for await (const part of compressChunks([pixels.subarray(0, 5000), pixels.subarray(5000, 40_000), pixels.subarray(40_000)], options)) streamed.push(part);
    expect(concatBytes(streamed)).toEqual(bytes);
  });

  it('decodes whole and any range across the kinds, on workers and on the calling thread', async () => {
    const bytes = await made;
    for (const threads of [0, 2]) {
      expect((await decompress(bytes, { threads })).data).toEqual(pixels);
      for (const [from, to] of [[15, 45], [19, 21], [20, 40], [25, 26], [39, 61], [60, 80], [0, 55], [54, 55]] as const) {
        expect((await decompress(bytes, { images: [from, to], threads })).data, `${from}..${to} on ${threads} threads`).toEqual(at(from, to));
      }
    }
  });

  it('streams out one batch per frame, from chunks of any size', async () => {
    const bytes = await made;
    const chunks: Uint8Array[] = [];
    const cut = rng(3);
    for (let from = 0; from < bytes.length; ) {
      const size = 1 + Math.floor(cut() * 3000);
      chunks.push(bytes.subarray(from, from + size));
      from += size;
    }
    const batches = [];
    for await (const batch of decompressChunks(chunks, { threads: 0 })) batches.push(batch);
    expect(batches.map((b) => b.shape[0])).toEqual([20, 20, 20, 20, 15]);
    expect(concatBytes(batches.map((b) => b.data as Uint8Array))).toEqual(pixels);
    const reader = new ReadableStream({ start(c) { chunks.forEach((x) => c.enqueue(x)); c.close(); } }).pipeThrough(decompressStream()).getReader();
    const piped: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) piped.push(r.value.data as Uint8Array);
    expect(concatBytes(piped)).toEqual(pixels);
  });

  it('joins with other files segment by segment', async () => {
    const bytes = await made;
    const digitsOnly = await compress(digits(100, 110), options);
    const joined = concatBytes([digitsOnly, bytes, digitsOnly]);
    expect((await decompress(joined)).data).toEqual(concatBytes([digits(100, 110), pixels, digits(100, 110)]));
    expect((await decompress(joined, { images: [5, 35] })).data).toEqual(concatBytes([digits(105, 110), at(0, 25)]));
  });

  it('bbans info --frames shows each frame\'s kind; --range and -t read across them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bbans-stored-'));
    try {
      const file = join(dir, 'mixed.bbans');
      await writeFile(file, await made);
      const info = await bbans('info', '--frames', file);
      expect(info.out).toMatch(/format +version 3, 1 segment, 5 frames of 15\.\.20 images \(2 stored as pixels\)/);
      expect(info.out).toMatch(/^ +1 +20 +20 +\d+ +15\d{3} +stored +-$/m);
      expect(info.out).toMatch(/^ +2 +40 +20 +\d+ +\d+ +coded +2$/m);
      expect((await bbans('-t', file)).code).toBe(0);
      expect((await bbans('decompress', '-q', '--range', '30:70', file, '-o', join(dir, 'part.raw'))).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

group('the packing', () => {
  it('packs any values of 0 to 16 bits above their smallest and unpacks them exactly, in 8- and 16-bit segments', () => {
    const draw = rng(9);
    for (let bits = 0; bits <= 16; bits++) {
      for (const [shape, count] of [[[5, 5], 3], [[7, 3], 1], [[28, 28], 2]] as const) {
        const values = count * shape[0] * shape[1];
        const low = bits === 16 ? 0 : randomInt(draw, 0, 2 ** (16 - bits) - 1);
        const pixels = Uint16Array.from({ length: values }, () => low + randomInt(draw, 0, 2 ** bits - 1));
        pixels[0] = low;
        pixels[values - 1] = low + Math.max(0, 2 ** bits - 1);
        const range = storedRange(pixels);
        expect(range).toEqual({ low, bits });
        const frame = storeFrame(pixels, count, crc32(pixelBytes(pixels)), range);
        expect(frame.packed.length).toBe(Math.ceil((values * bits) / 8));
        expect(unpackStoredFrame(frame, { itemShape: [...shape], pixelBytes: 2 })).toEqual(pixels);
        if (low + 2 ** bits - 1 <= 255) expect(unpackStoredFrame({ ...frame, crc32: crc32(Uint8Array.from(pixels)) }, { itemShape: [...shape], pixelBytes: 1 })).toEqual(Uint8Array.from(pixels));
      }
    }
  });

  it('8-bit values are their own bytes, 16-bit ones little-endian, least significant bit first below', () => {
    const pack = (values: number[]): Uint8Array => storeFrame(Uint16Array.from(values), 1, 0, storedRange(Uint16Array.from(values))).packed;
    expect(pack([0, 1, 1, 0, 1, 0, 0, 0, 1])).toEqual(Uint8Array.of(0b00010110, 0b1));
    expect(pack([0, 200, 17, 255])).toEqual(Uint8Array.of(0, 200, 17, 255));
    expect(pack([0, 0x1234, 0xffff])).toEqual(Uint8Array.of(0, 0, 0x34, 0x12, 0xff, 0xff));
  });

  it('refuses spare bits that are not 0 and values past the pixel depth', () => {
    const pixels = Uint8Array.of(1, 0, 1, 1, 0, 1, 0, 1, 1, 1); // 10 images of 1x1 at 1 bit: 6 spare bits
    const frame = storeFrame(pixels, 10, crc32(pixels), storedRange(pixels));
    const header = { itemShape: [1, 1], pixelBytes: 1 as const };
    expect(unpackStoredFrame(frame, header)).toEqual(pixels);
    const spare: StoredFrame = { ...frame, packed: frame.packed.map((b, i) => (i === 1 ? b | 0x80 : b)) };
    expect(() => unpackStoredFrame(spare, header)).toThrow(/spare bits after its last pixel are not 0/);
    expect(() => unpackStoredFrame({ ...frame, low: 255 }, header)).toThrow(/pixel 0 is 256, more than 8-bit pixels hold/);
  });
});

group('hostile stored frames', () => {
  // A stored frame (3 noise images) between two coded ones.
  const pixels = concatBytes([digits(0, 3), noise(3), digits(3, 5)]);
  // Made, and decoded once on each reader's thread, so that the cases' times leave out loading the model.
  const made = compress(pixels, { model: 'mnist-8bit-ar', frameSize: 3, threads: 0 }).then(async (bytes) => {
    for (const threads of [0, 2]) expect((await decompress(bytes, { threads })).data).toEqual(pixels);
    return bytes;
  });
  const readers: Array<[string, (file: Uint8Array) => Promise<unknown>]> = [
    ['decompress', (file) => decompress(file, { threads: 0 })],
    ['decompress a range', (file) => decompress(file, { images: [3, 6] })],
    ['decompressChunks', async (file) => { for await (const _ of decompressChunks([file.subarray(0, 700), file.subarray(700)])); }],
    ['describe', (file) => describe(file)],
  ];

  /** Every reader refuses `file` with `code`, in bounded time; describe reads no pixels, so only `describeToo` cases are its to refuse. */
  async function refusedByAll(name: string, file: Uint8Array, code: BbansErrorCode, message: RegExp, describeToo = true): Promise<void> {
    const started = performance.now();
    for (const [reader, read] of readers) {
      if (reader === 'describe' && !describeToo) {
        await read(file);
        continue;
      }
      const error = await read(file).then(() => undefined, (e: unknown) => e);
      expect(error, `${reader}: ${name}`).toBeInstanceOf(BbansError);
      expect((error as BbansError).code, `${reader}: ${name}: ${(error as BbansError).message}`).toBe(code);
      expect((error as BbansError).message, `${reader}: ${name}`).toMatch(message);
    }
    expect(performance.now() - started, name).toBeLessThan(5000);
  }

  it('a stored frame cut short, with a wrong count, checksum, length, bits or smallest value is refused by every reader', async () => {
    const bytes = await made;
    const stored = (await describe(bytes)).segments[0]!.frames[1]!;
    expect(stored.kind).toBe('stored');
    const o = stored.offset; // tag, count (1 byte), crc32 (4), smallest (1), bits (1), length (2), pixels
    expect([bytes[o], bytes[o + 1], bytes[o + 7], (bytes[o + 8]! & 0x7f) | (bytes[o + 9]! << 7)]).toEqual([0x52, 3, 8, 3 * IMAGE]);
    const edited = (at: number, value: number): Uint8Array => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    await refusedByAll('cut inside its pixels', bytes.subarray(0, o + 1000), 'TRUNCATED', /^truncated bbans file: it ends inside the stored frame pixels/);
    await refusedByAll('cut inside its fields', bytes.subarray(0, o + 7), 'TRUNCATED', /^truncated bbans file: it ends inside the stored frame bits/);
    // A count the index does not say: the random-access readers see that first, the front readers that the pixels do not fit it.
    await refusedByAll('count 2', edited(o + 1, 2), 'CORRUPT_MESSAGE', /the frame at byte \d+ holds 2 images, the index says 3|a stored frame of 2 images at 8 bits a pixel packs into 1568 bytes, its record says 2352/);
    await refusedByAll('length 2351', edited(o + 8, bytes[o + 8]! - 1), 'CORRUPT_MESSAGE', /a stored frame of 3 images at 8 bits a pixel packs into 2352 bytes, its record says 2351/);
    await refusedByAll('bits 7', edited(o + 7, 7), 'CORRUPT_MESSAGE', /a stored frame of 3 images at 7 bits a pixel packs into 2058 bytes, its record says 2352/);
    await refusedByAll('bits 9', edited(o + 7, 9), 'CORRUPT_MESSAGE', /a stored frame of 9-bit values in a segment of 8-bit pixels/);
    await refusedByAll('checksum', edited(o + 2, bytes[o + 2]! ^ 1), 'CHECKSUM_MISMATCH', /the stored pixels are not the ones that were compressed/, false);
    await refusedByAll('a pixel', edited(o + 10 + 500, bytes[o + 10 + 500]! ^ 0x10), 'CHECKSUM_MISMATCH', /the stored pixels are not the ones that were compressed/, false);
    await refusedByAll('smallest 1', edited(o + 6, 1), 'CORRUPT_MESSAGE', /a stored frame's pixel \d+ is 256, more than 8-bit pixels hold|checksum/, false);
  });

  it('a stored frame whose count the index agrees with, but its pixels do not', async () => {
    const parts = takeApart(await made);
    const frame = parts.frames[1] as StoredFrame;
    const withFrame = (edit: Partial<StoredFrame>): Uint8Array => putTogether({ ...parts, frames: parts.frames.map((f, i) => (i === 1 ? { ...frame, ...edit } : f)) });
    await refusedByAll('count 4, index 4', withFrame({ count: 4 }), 'CORRUPT_MESSAGE', /a stored frame of 4 images at 8 bits a pixel packs into 3136 bytes, its record says 2352/);
    await refusedByAll('pixels of 2 images for 3', withFrame({ packed: frame.packed.subarray(0, 2 * IMAGE) }), 'CORRUPT_MESSAGE', /packs into 2352 bytes, its record says 1568/);
    await refusedByAll('count 2 ** 30', withFrame({ count: 2 ** 30 }), 'HEADER_LIMIT', /image count 1073741824 exceeds the limit/);
  });
});
