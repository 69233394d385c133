// (b) files cross between Node and the page bit-exactly, both ways, for every shipped model;
// (c) the page's core codecs produce the golden messages (test/golden.test.ts) byte for byte.
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../src/core.js';
import { compress, decompress } from '../../src/index.js';
import { loadBinarizedMnistTest, loadMnistImages, MNIST_PIXELS } from '../../src/data/mnist.js';
import { sha256, toHex } from '../../src/sha256.js';
import { type DemoSession, haveChromium, openDemo } from './browser.js';
import { goldenAutoregressiveMessage, goldenMessage } from '../golden-message.js';

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

describe.skipIf(!haveChromium)('Node <-> browser', () => {
  let demo: DemoSession;
  beforeAll(async () => { demo = await openDemo({ [GOLDEN_MODULE]: await goldenModuleForBrowser() }); });
  afterAll(() => demo?.close());

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

  for (const [name, golden] of [['goldenMessage', goldenMessage], ['goldenAutoregressiveMessage', goldenAutoregressiveMessage]] as const) {
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
