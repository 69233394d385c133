// (b) files cross between Node and the page bit-exactly, both ways, for every shipped model;
// (c) the page's core codecs produce the golden messages (test/golden.test.ts) byte for byte.
import { build } from 'esbuild';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { train } from '../../src/train/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../src/core.js';
import { compress, decompress, describe as describeFile } from '../../src/index.js';
import { loadBinarizedMnistTest, loadMnistImages, MNIST_PIXELS } from '../../src/data/mnist.js';
import { sha256, toHex } from '../../src/sha256.js';
import { type DemoSession, haveChromium, openDemo } from './browser.js';
import { goldenAutoregressiveMessage, goldenMessage, goldenPredictiveMessage } from '../golden-message.js';
import { rng } from '../random.js';

const COUNT = 20;
const GOLDEN_MODULE = '/test/golden-message.js';

// Plain Uint8Arrays (the idx reader hands out Buffers), to compare with what comes back.
const eightBit = Uint8Array.from(loadMnistImages('test').pixels.subarray(0, COUNT * MNIST_PIXELS));
const binary = Uint8Array.from(loadBinarizedMnistTest().pixels.subarray(0, COUNT * MNIST_PIXELS));
const testImages = { 'mnist-8bit': eightBit, 'mnist-binary': binary, 'mnist-8bit-ar': eightBit, 'mnist-binary-ar': binary };
const MODELS = Object.keys(testImages) as (keyof typeof testImages)[];

/** golden-message.ts as a browser module (its only import, test/random.ts, bundled in). */
async function goldenModuleForBrowser(): Promise<string> {
  const result = await build({ entryPoints: [new URL('../golden-message.ts', import.meta.url).pathname], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

const USER_MODEL = '/user-model/';

/** A tiny model for 12x10 16-bit images, trained here (one epoch), served to the page as its files. */
async function userModel(): Promise<{ directory: string; files: Record<string, Uint8Array>; images: Uint16Array }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'bbans-user-model-'));
  const images = Uint16Array.from({ length: 40 * 120 }, (_, i) => Math.round(2000 + 1500 * Math.sin(i / 7) + ((i * 7919) % 97)));
  await train({ data: { data: images, shape: [40, 12, 10] }, out: path.join(directory, 'model'), name: 'user-12x10', epochs: 1, batchSize: 20 });
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(path.join(directory, 'model'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.parentPath.includes('checkpoint')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[USER_MODEL + path.relative(path.join(directory, 'model'), file)] = new Uint8Array(await readFile(file));
  }
  return { directory: path.join(directory, 'model'), files, images };
}

describe.skipIf(!haveChromium)('Node <-> browser', () => {
  let demo: DemoSession;
  let user: Awaited<ReturnType<typeof userModel>>;
  beforeAll(async () => {
    user = await userModel();
    demo = await openDemo({ [GOLDEN_MODULE]: await goldenModuleForBrowser(), ...user.files });
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
    if (user) await rm(path.dirname(user.directory), { recursive: true, force: true });
  });

  it('a model trained by bbans train, loaded by URL in the page, makes the same 16-bit file as in Node', async () => {
    const nodeBytes = await compress({ data: user.images, shape: [40, 12, 10] }, { model: user.directory });
    const page: { bytes: number[]; decoded: number[] } = await demo.page.evaluate(async ([pixels, folder]) => {
      const bbans = (window as any).bbans;
      const model = await bbans.loadModel(new URL(folder as string, location.href));
      const bytes = await bbans.compress({ data: Uint16Array.from(pixels as number[]), shape: [40, 12, 10] }, { model });
      const decoded = await bbans.decompress(bytes, { model });
      return { bytes: Array.from(bytes as Uint8Array), decoded: Array.from(decoded.data as Uint16Array) };
    }, [Array.from(user.images), USER_MODEL] as const);
    expect(toHex(sha256(Uint8Array.from(page.bytes)))).toBe(toHex(sha256(nodeBytes)));
    expect(page.decoded).toEqual(Array.from(user.images));
    expect(demo.errors).toEqual([]);
  });

  for (const model of MODELS) {
    it(`${model}: ${COUNT} MNIST test images compressed in Node decode in the page, and the page's file is byte-identical and decodes in Node`, async () => {
      const images = testImages[model];
      const nodeBytes = await compress(images, { model });
      const fromPage: { decoded: number[]; shape: number[]; modelName: string; pageBytes: number[] } = await demo.page.evaluate(
        async ([fileFromNode, pixels, name]) => {
          const bbans = (window as any).bbans;
          const decoded = await bbans.decompress(Uint8Array.from(fileFromNode as number[]));
          const pageBytes = await bbans.compress(Uint8Array.from(pixels as number[]), { model: name });
          return { decoded: Array.from(decoded.data as Uint8Array), shape: decoded.shape, modelName: decoded.modelName, pageBytes: Array.from(pageBytes as Uint8Array) };
        },
        [Array.from(nodeBytes), Array.from(images), model] as const,
      );
      expect(fromPage.modelName).toBe(model);
      expect(fromPage.shape).toEqual([COUNT, 28, 28]);
      expect(Uint8Array.from(fromPage.decoded)).toEqual(images);

      const pageBytes = Uint8Array.from(fromPage.pageBytes);
      expect(toHex(sha256(pageBytes))).toBe(toHex(sha256(nodeBytes)));
      expect((await decompress(pageBytes)).data).toEqual(images);
      expect(demo.errors).toEqual([]);
    });
  }

  it('frames coded on Web Workers in the page: the same bytes as Node for 0, 1 and 2 threads, and ranges decode', async () => {
    // 250 digits, then 50 images of noise: its frame is stored (its pixels as they are), the others coded.
    const images = Uint8Array.from(loadMnistImages('test').pixels.subarray(0, 300 * MNIST_PIXELS));
    const random = rng(5);
    images.subarray(250 * MNIST_PIXELS).forEach((_, i, noise) => (noise[i] = Math.floor(random() * 256)));
    const nodeBytes = await compress(images, { model: 'mnist-8bit-ar', frameSize: 50 });
    expect((await describeFile(nodeBytes)).segments[0]!.frames.map((f) => f.kind)).toEqual([...Array(5).fill('coded'), 'stored']);
    const page: { hashes: string[]; range: number[] } = await demo.page.evaluate(async ([pixels, fileFromNode]) => {
      const bbans = (window as any).bbans;
      const hex = async (bytes: Uint8Array<ArrayBuffer>) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
      const hashes = [];
      for (const threads of [0, 1, 2]) hashes.push(await hex(await bbans.compress(Uint8Array.from(pixels as number[]), { model: 'mnist-8bit-ar', frameSize: 50, threads })));
      const range = await bbans.decompress(Uint8Array.from(fileFromNode as number[]), { images: [45, 270] });
      return { hashes, range: Array.from(range.data as Uint8Array) };
    }, [Array.from(images), Array.from(nodeBytes)] as const);
    expect(page.hashes).toEqual([0, 1, 2].map(() => toHex(sha256(nodeBytes))));
    expect(Uint8Array.from(page.range)).toEqual(images.subarray(45 * MNIST_PIXELS, 270 * MNIST_PIXELS));
    expect(demo.errors).toEqual([]);
  });

  for (const [name, golden] of [['goldenMessage', goldenMessage], ['goldenAutoregressiveMessage', goldenAutoregressiveMessage], ['goldenPredictiveMessage', goldenPredictiveMessage]] as const) {
    it(`the page computes the ${name} bytes exactly as Node does`, async () => {
      const nodeBytes = golden(core);
      // A string, so vitest's transform leaves this import() alone.
      await demo.page.evaluate(`import('${GOLDEN_MODULE}').then((module) => { window.golden = module.${name}; })`);
      const page = await demo.page.evaluate(async () => {
        const bytes: Uint8Array<ArrayBuffer> = (window as any).golden((window as any).bbans);
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return { length: bytes.length, hex: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
      });
      expect(page.length).toBe(nodeBytes.length);
      expect(page.hex).toBe(toHex(sha256(nodeBytes)));
      expect(demo.errors).toEqual([]);
    });
  }
});
