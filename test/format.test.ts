// Format version 3: frames, the index, concatenation, random access, streaming, threads; versions 1
// and 2 still read; and what a decoder does with an index or frame that lies. Stored frames, the
// kind version 3 adds, have their own tests (test/stored-frames.test.ts).
import { readFileSync } from 'node:fs';
import { describe as group, expect, it } from 'vitest';
import { BbansError, type BbansErrorCode, compress, compressChunks, compressStream, decompress, decompressChunks, decompressStream, describe } from '../src/index.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { StreamParser } from '../src/format/parser.js';
import { sha256, toHex } from '../src/sha256.js';
import { stopWorkers } from '../src/workers/pool.js';
import { concatBytes } from '../src/format/bytes.js';
import { rng } from './random.js';

const IMAGE = 784;
const mnist = new Uint8Array(loadMnistImages('test').pixels.subarray(0, 3000 * IMAGE));
const images = (from: number, to: number): Uint8Array => mnist.subarray(from * IMAGE, to * IMAGE);

async function refusal(promise: Promise<unknown>): Promise<BbansError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BbansError);
  return error as BbansError;
}

async function expectCode(promise: Promise<unknown>, code: BbansErrorCode, message?: RegExp): Promise<void> {
  const error = await refusal(promise);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

const readFixture = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${path}`, import.meta.url)));
const v1File = readFixture('v1/mnist-test-0-8.idx.bbans');
/** Written by bbans before version 3 (main at 3c807a1): images 0-7 as idx, frames of 3. */
const v2File = readFixture('v2/mnist-test-0-8.idx.bbans');

group('format version 3', () => {
  it('writes exactly the recorded bytes (a change to coded bits needs a new version and a new value)', async () => {
    const bytes = await compress(images(0, 8), { model: 'mnist-8bit-ar', chains: 2, frameSize: 3, threads: 0 });
    expect(bytes.length).toBe(GOLDEN_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_SHA256);
    // Version 3 changed nothing else in a file of coded frames: with its version byte set back, it is version 2's recorded file.
    const asVersion2 = bytes.slice();
    asVersion2[4] = 2;
    expect(toHex(sha256(asVersion2))).toBe(GOLDEN_V2_SHA256);
    const info = await describe(bytes);
    expect(info.segments.map((s) => s.version)).toEqual([3]);
    expect(info.segments[0]!.frames.map((f) => [f.first, f.count, f.kind, f.chains])).toEqual([[0, 3, 'coded', 2], [3, 3, 'coded', 2], [6, 2, 'coded', 2]]);
  });

  it('writes exactly the recorded bytes for a stored frame beside a coded one', async () => {
    // Two binarized digits (coded), then two images of fair coin flips, which the model codes above 1 bit a pixel (stored, 1 bit each).
    const random = rng(7);
    const binary = new Uint8Array(4 * IMAGE);
    binary.set(loadBinarizedMnistTest().pixels.subarray(0, 2 * IMAGE));
    for (let i = 2 * IMAGE; i < binary.length; i++) binary[i] = random() < 0.5 ? 1 : 0;
    const bytes = await compress(binary, { model: 'mnist-binary-ar', frameSize: 2, threads: 0 });
    expect(bytes.length).toBe(GOLDEN_STORED_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_STORED_SHA256);
    expect((await describe(bytes)).segments[0]!.frames.map((f) => [f.kind, f.bytes])).toEqual([['coded', 77], ['stored', 10 + (2 * IMAGE) / 8]]);
    expect((await decompress(bytes)).data).toEqual(binary);
  });

  it('still reads version 1 and 2 files, whole and in part, on workers and on the calling thread', async () => {
    for (const [file, version, frames] of [[v1File, 1, 1], [v2File, 2, 3]] as const) {
      for (const threads of [0, 2]) {
        const back = await decompress(file, { threads });
        expect(back.shape).toEqual([8, 28, 28]);
        expect(back.source).toBe('idx');
        expect(back.data).toEqual(images(0, 8));
        expect((await decompress(file, { images: [3, 7], threads })).data).toEqual(images(3, 7));
      }
      expect((await describe(file)).segments.map((s) => [s.version, s.frames.map((f) => f.kind)])).toEqual([[version, Array(frames).fill('coded')]]);
    }
  });

  it('joins version 2 and version 3 segments, either way round', async () => {
    const v3 = await compress(images(8, 20), { model: 'mnist-8bit-ar', frameSize: 5, source: 'idx' });
    for (const [file, expected] of [[concatBytes([v2File, v3]), images(0, 20)], [concatBytes([v3, v2File]), concatBytes([images(8, 20), images(0, 8)])]] as const) {
      expect((await describe(file)).segments.map((s) => s.version)).toEqual(file[4] === 2 ? [2, 3] : [3, 2]);
      expect((await decompress(file)).data).toEqual(expected);
      expect((await decompress(file, { images: [6, 14] })).data).toEqual(expected.subarray(6 * IMAGE, 14 * IMAGE));
      const streamed = [];
      for await (const batch of decompressChunks([file.subarray(0, 1000), file.subarray(1000)])) streamed.push(batch.data as Uint8Array);
      expect(concatBytes(streamed)).toEqual(expected);
    }
  });

  it('writes the same bytes on the calling thread and on 1 or 2 workers', async () => {
    const binary = new Uint8Array(loadBinarizedMnistTest().pixels.subarray(0, 300 * IMAGE));
    const runs = await Promise.all([0, 1, 2].map((threads) => compress(binary, { model: 'mnist-binary-ar', frameSize: 40, threads })));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    for (const threads of [0, 2]) expect((await decompress(runs[0]!, { threads })).data).toEqual(binary);
  });

  it('decodes any range of images, reading only the frames that hold it', async () => {
    const bytes = await compress(images(0, 500), { model: 'mnist-8bit-ar', frameSize: 64 });
    const random = rng(5);
    const ranges: Array<[number, number]> = [[0, 1], [63, 65], [499, 500], [0, 500], [128, 128], [100, 300]];
    for (let k = 0; k < 4; k++) {
      const from = Math.floor(random() * 500);
      ranges.push([from, from + Math.floor(random() * (500 - from))]);
    }
    for (const [from, to] of ranges) {
      const back = await decompress(bytes, { images: [from, to] });
      expect(back.shape).toEqual([to - from, 28, 28]);
      expect(back.data).toEqual(images(from, to));
    }
    await expectCode(decompress(bytes, { images: [10, 501] }), 'INVALID_ARGUMENT', /images\[1\] must be an integer in \[10, 500\]/);
    await expectCode(decompress(bytes, { images: [5, 2] }), 'INVALID_ARGUMENT');
    await expectCode(decompress(bytes, { images: 'all' } as never), 'INVALID_ARGUMENT', /images must be \[from, to\)/);
  });

  it('concatenated files are one file: their images in order, random access across the join', async () => {
    const a = await compress(images(0, 100), { model: 'mnist-8bit-ar', frameSize: 30 });
    const b = await compress(images(100, 250), { model: 'mnist-8bit-ar', frameSize: 70, chains: 3 });
    const joined = concatBytes([a, b]);
    expect((await decompress(joined)).data).toEqual(images(0, 250));
    expect((await decompress(joined, { images: [95, 180] })).data).toEqual(images(95, 180));
    const info = await describe(joined);
    expect(info.count).toBe(250);
    expect(info.segments.map((s) => [s.offset, s.bytes])).toEqual([[0, a.length], [a.length, b.length]]);
    const three = concatBytes([joined, a]);
    expect((await decompress(three, { images: [240, 260] })).data).toEqual(concatBytes([images(240, 250), images(0, 10)]));
    // Segments of other precisions: their frames never share a job with the others'.
    const c = await compress(images(250, 300), { model: 'mnist-8bit-ar', frameSize: 20, posteriorPrecision: 26, likelihoodPrecision: 22 });
    expect((await decompress(concatBytes([a, c, b]))).data).toEqual(concatBytes([images(0, 100), images(250, 300), images(100, 250)]));

    const other = await compress(images(0, 10), { model: 'mnist-8bit' });
    for (const mixed of [concatBytes([a, other]), concatBytes([other, a])]) {
      await expectCode(decompress(mixed), 'CORRUPT_MESSAGE', /differ in model/);
      await expectCode(decompress(mixed, { images: [0, 1] }), 'CORRUPT_MESSAGE', /differ in model/);
    }
    for (const reader of [(file: Uint8Array) => decompress(file), (file: Uint8Array) => decompress(file, { images: [0, 1] }), describe]) {
      await expectCode(reader(concatBytes([a, v1File])), 'CORRUPT_MESSAGE', /version-1 file joined after a bbans segment/);
    }
  });

  it('reads a file in chunks of any size, and streams both ways with Web Streams and iterables', async () => {
    const data = images(0, 120);
    const bytes = await compress(data, { model: 'mnist-8bit-ar', frameSize: 25 });
    const random = rng(11);
    const parser = new StreamParser();
    const frames = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(random() * 700);
      frames.push(...parser.push(bytes.subarray(at, at + size)));
      at += size;
    }
    frames.push(...parser.end());
    expect(frames.map((f) => f.frame.count)).toEqual([25, 25, 25, 25, 20]);

    // Pixel chunks that split images anywhere give the same file.
    const chunks = [data.subarray(0, 1000), data.subarray(1000, 50_000), data.subarray(50_000)];
    const streamed: Uint8Array[] = [];
    for await (const part of compressChunks(chunks, { model: 'mnist-8bit-ar', frameSize: 25 })) streamed.push(part);
    expect(concatBytes(streamed)).toEqual(bytes);

    const piped = new Response(new ReadableStream({ start(c) { chunks.forEach((x) => c.enqueue(x)); c.close(); } }).pipeThrough(compressStream({ model: 'mnist-8bit-ar', frameSize: 25 })));
    expect(new Uint8Array(await piped.arrayBuffer())).toEqual(bytes);

    const batches = [];
    for await (const batch of decompressChunks([bytes.subarray(0, 10), bytes.subarray(10)])) batches.push(batch);
    expect(batches.map((b) => b.shape[0])).toEqual([25, 25, 25, 25, 20]);
    expect(concatBytes(batches.map((b) => b.data as Uint8Array))).toEqual(data);

    const reader = new ReadableStream({ start(c) { c.enqueue(bytes); c.close(); } }).pipeThrough(decompressStream()).getReader();
    let count = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) count += r.value.shape[0]!;
    expect(count).toBe(120);
  });

  it('an abort signal stops the work; a worker that dies fails the call with one error', async () => {
    const controller = new AbortController();
    const started = compress(images(0, 2000), { model: 'mnist-8bit-ar', frameSize: 100, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(started).rejects.toMatchObject({ name: 'AbortError' });
    await expect(compress(images(0, 1), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });

    const dying = compress(images(0, 2000), { model: 'mnist-8bit-ar', frameSize: 100 });
    setTimeout(stopWorkers, 300);
    await expectCode(dying, 'WORKER_FAILED', /a bbans worker stopped/);
    // The pool starts again on the next call.
    expect((await decompress(await compress(images(0, 3), { model: 'mnist-8bit-ar' }))).data).toEqual(images(0, 3));
  });
});

group('hostile files', () => {
  const indexAt = (bytes: Uint8Array): number => bytes.length - 8 - new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true);

  it('a lying index, trailer or frame is refused by every reader, in bounded time', async () => {
    const bytes = await compress(images(0, 60), { model: 'mnist-8bit-ar', frameSize: 20 });
    const index = indexAt(bytes);
    const cases: Record<string, Uint8Array> = {};
    const edit = (name: string, at: number, value: number): void => {
      const copy = bytes.slice();
      copy[at] = value;
      cases[name] = copy;
    };
    edit('index tag', index, 0x41);
    edit('index header length', index + 1, bytes[index + 1]! + 1);
    edit('index frame count', index + 2, 200);
    edit('first frame length', index + 3, bytes[index + 3]! ^ 0x01);
    edit('index checksum', bytes.length - 9, bytes[bytes.length - 9]! ^ 0xff);
    edit('trailer length', bytes.length - 8, bytes[bytes.length - 8]! + 4);
    edit('trailer length far outside', bytes.length - 5, 0x7f);
    edit('end mark', bytes.length - 1, 0);
    edit('frame tag', info0(bytes), 0x47);
    edit('frame count', info0(bytes) + 1, 21);
    edit('frame checksum', info0(bytes) + 3, bytes[info0(bytes) + 3]! ^ 1);
    edit('frame chains', info0(bytes) + 6, 0x7f);
    cases['index cut'] = bytes.subarray(0, index + 3);
    cases['garbage after the index'] = concatBytes([bytes, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)]);
    cases['a second header with no frames or index'] = concatBytes([bytes, bytes.subarray(0, 40)]);
    // describe reads headers, indexes and frame prefixes only: a frame's checksum is not its to check.
    const readers: Array<[string, (file: Uint8Array) => Promise<unknown>, boolean]> = [
      ['decompress', (file) => decompress(file, { threads: 0 }), true],
      ['decompress a range', (file) => decompress(file, { images: [0, 60], threads: 0 }), true],
      ['describe', (file) => describe(file), false],
    ];
    for (const [name, file] of Object.entries(cases)) {
      const started = performance.now();
      for (const [reader, read, readsBodies] of readers) {
        if (!readsBodies && name === 'frame checksum') continue;
        const error = await read(file).then(() => undefined, (e: unknown) => e);
        expect(error, `${reader}: ${name}`).toBeInstanceOf(BbansError);
      }
      expect(performance.now() - started, name).toBeLessThan(3000);
    }
  });

  it('bytes after the last segment are reported as such, with their count; a file cut short as truncated', async () => {
    const bytes = await compress(images(0, 30), { model: 'mnist-8bit-ar', frameSize: 10 });
    const readers: Array<(file: Uint8Array) => Promise<unknown>> = [
      (file) => decompress(file),
      (file) => decompress(file, { images: [0, 1] }),
      (file) => describe(file),
      // The bytes after the segment arrive in two chunks, and are counted across them.
      async (file) => { for await (const _ of decompressChunks([file.subarray(0, 500), file.subarray(500, bytes.length + 2), file.subarray(bytes.length + 2)])); },
    ];
    for (const read of readers) {
      for (const junk of [Uint8Array.of(0), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), new TextEncoder().encode('\nsome text a tool appended\n')]) {
        const message = new RegExp(`^corrupt bbans file: ${junk.length} bytes after the end of the last bbans segment \\(at byte ${bytes.length}\\)`);
        await expectCode(read(concatBytes([bytes, junk])), 'CORRUPT_MESSAGE', message);
      }
      // What follows does start as a segment: then it is one cut short.
      await expectCode(read(concatBytes([bytes, bytes.subarray(0, 30)])), 'TRUNCATED', /ends inside/);
      await expectCode(read(bytes.subarray(0, bytes.length - 3)), 'TRUNCATED', /^truncated bbans file/);
    }
  });

  function info0(bytes: Uint8Array): number {
    // The first frame starts right after the header, whose length the index records (its second byte).
    return bytes[indexAt(bytes) + 1]!;
  }
});

const GOLDEN_LENGTH = 998;
const GOLDEN_SHA256 = 'bfccedc368537c3e3a9fc26d7634d73aefc49e6564fc6ccc78aee39e0247690d';
/** The same images' file as version 2 wrote it (its length was the same). */
const GOLDEN_V2_SHA256 = 'e2f38b3ce5a847f654841adeddfa938ce4cc02c3d025423afe88703bd9530c06';
const GOLDEN_STORED_LENGTH = 348;
const GOLDEN_STORED_SHA256 = '91876bdc4b4f75349a2a9bef7fcd9ce6cf7f8461cf006aded76da2f7430e033a';
