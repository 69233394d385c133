// Format version 2: frames, the index, concatenation, random access, streaming, threads; version 1
// still read; and what a decoder does with an index or frame that lies.
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

group('format version 2', () => {
  it('writes exactly the recorded bytes (a change to coded bits needs a new version and a new value)', async () => {
    const bytes = await compress(images(0, 8), { model: 'mnist-8bit-ar', chains: 2, frameSize: 3, threads: 0 });
    expect(bytes.length).toBe(GOLDEN_V2_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_V2_SHA256);
    const info = await describe(bytes);
    expect(info.segments.map((s) => s.version)).toEqual([2]);
    expect(info.segments[0]!.frames.map((f) => [f.first, f.count, f.chains])).toEqual([[0, 3, 2], [3, 3, 2], [6, 2, 2]]);
  });

  it('still reads version 1 files', async () => {
    const v1 = new Uint8Array(readFileSync(new URL('./fixtures/v1/mnist-test-0-8.idx.bbans', import.meta.url)));
    const back = await decompress(v1);
    expect(back.shape).toEqual([8, 28, 28]);
    expect(back.source).toBe('idx');
    expect(back.data).toEqual(images(0, 8));
    expect((await decompress(v1, { images: [3, 5] })).data).toEqual(images(3, 5));
    expect((await describe(v1)).segments.map((s) => [s.version, s.frames.length])).toEqual([[1, 1]]);
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
    const v1 = new Uint8Array(readFileSync(new URL('./fixtures/v1/mnist-test-0-8.idx.bbans', import.meta.url)));
    await expectCode(decompress(concatBytes([a, v1])), 'CORRUPT_MESSAGE', /version-1 file joined/);
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

group('hostile version-2 files', () => {
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

  function info0(bytes: Uint8Array): number {
    // The first frame starts right after the header, whose length the index records (its second byte).
    return bytes[indexAt(bytes) + 1]!;
  }
});

const GOLDEN_V2_LENGTH = 998;
const GOLDEN_V2_SHA256 = 'e2f38b3ce5a847f654841adeddfa938ce4cc02c3d025423afe88703bd9530c06';
