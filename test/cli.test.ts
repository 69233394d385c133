import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bbans } from './run-cli.js';
import { readIdx, writeIdx } from '../src/data/idx.js';
import { loadMnistImages } from '../src/data/mnist.js';

let dir: string;
const at = (name: string): string => join(dir, name);


beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbans-cli-'));
  const mnist = loadMnistImages('test');
  await writeFile(at('digits.idx'), writeIdx({ dims: [12, 28, 28], data: mnist.pixels.subarray(0, 12 * 784) }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bbans CLI', () => {
  it('compress and decompress restore an idx file byte for byte, keeping the input', async () => {
    const original = await readFile(at('digits.idx'));
    expect((await bbans('compress', at('digits.idx'))).code).toBe(0);
    expect(await readFile(at('digits.idx'))).toEqual(original);
    expect((await bbans('decompress', at('digits.idx.bbans'), '-o', at('restored.idx'))).code).toBe(0);
    expect(await readFile(at('restored.idx'))).toEqual(original);
    const info = await bbans('info', at('digits.idx.bbans'));
    expect(info.out, 'the best 8-bit model by default').toMatch(/model +mnist-8bit-ar \(fingerprint [0-9a-f]{32}\)/);
    expect(info.out).toMatch(/images +12 x 28x28/);
  });

  it('raw pixels with --shape, and the binary model on binarized data', async () => {
    const raw = (await readFile(at('digits.idx'))).subarray(16);
    await writeFile(at('digits.raw'), raw);
    expect((await bbans('compress', '--shape', '12,28,28', '--chains', '3', at('digits.raw'), '-o', at('raw.bbans'))).code).toBe(0);
    expect((await bbans('decompress', at('raw.bbans'), '-o', at('raw.out'))).code).toBe(0);
    expect(await readFile(at('raw.out'))).toEqual(raw);

    expect((await bbans('binarize', at('digits.idx'), '-o', at('binary.idx'), '--seed', '0')).code).toBe(0);
    const binary = readIdx(new Uint8Array(await readFile(at('binary.idx'))));
    expect(binary.dims).toEqual([12, 28, 28]);
    expect(binary.data.every((v) => v <= 1)).toBe(true);
    expect((await bbans('compress', '--model', 'mnist-binary', at('binary.idx'))).code).toBe(0);
    expect((await bbans('info', at('binary.idx.bbans'))).out).toMatch(/model +mnist-binary \(/);
    expect((await bbans('decompress', '-f', at('binary.idx.bbans'))).code).toBe(0);
    expect((await bbans('compress', '-f', at('binary.idx'))).code).toBe(0);
    expect((await bbans('info', at('binary.idx.bbans'))).out, 'the best binary model by default').toMatch(/model +mnist-binary-ar \(/);
  });

  it('refuses to overwrite, bad input and bad usage with one line and an exit code, leaving no partial files', async () => {
    const before = (await readdir(dir)).sort();
    const exists = await bbans('compress', at('digits.idx'));
    expect(exists).toMatchObject({ code: 1 });
    expect(exists.err).toBe(`bbans: ${at('digits.idx.bbans')} already exists; use -f to overwrite it`);

    await writeFile(at('junk.bbans'), 'not a bbans file');
    const junk = await bbans('decompress', at('junk.bbans'), '-o', at('junk.out'));
    expect(junk).toMatchObject({ code: 1, err: 'bbans: not a bbans file (the magic bytes "BBAN" are missing)' });

    const truncated = (await readFile(at('digits.idx.bbans'))).subarray(0, 300);
    await writeFile(at('cut.bbans'), truncated);
    expect((await bbans('decompress', at('cut.bbans'))).code).toBe(1);

    const range = await bbans('compress', '--model', 'mnist-binary', at('digits.idx'), '-o', at('never.bbans'));
    expect(range.err).toMatch(/^bbans: pixel \d+ of image 0 is \d+, but model mnist-binary takes values 0..1$/);

    expect((await bbans('compress', at('digits.raw'), '-o', at('never.bbans'))).err).toMatch(/neither a .npy nor an idx ubyte file; for raw pixels give its shape/);
    expect((await bbans('frobnicate')).code).toBe(2);
    expect((await bbans('compress', '--chains', 'x', at('digits.idx'), '-f')).code).toBe(2);
    expect((await bbans('decompress', at('digits.idx'))).err).toMatch(/use -o/);
    expect((await readdir(dir)).sort()).toEqual([...before, 'cut.bbans', 'junk.bbans'].sort());
  });

  it('--version and --help', async () => {
    expect((await bbans('--version')).out).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await bbans('--help')).out).toMatch(/usage: bbans <command>/);
    expect((await bbans('compress', '--help')).out).toMatch(/usage: bbans compress/);
  });
});
