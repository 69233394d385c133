// Frames coded side by side share the networks' batches, and a frame decoded on its own (random
// access) or beside other frames sees other batches than when it was coded. That is lossless only
// because a row's outputs do not depend on the rest of the batch: checked here, bit for bit, for
// every shipped model, through exactly what coding uses (the posterior's parameters and the
// likelihood's intervals), over batch sizes that cover every remainder of the kernels' tiles.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../src/index.js';
import { type CodecModel, loadModel } from '../src/models.js';
import { encodePosterior } from '../src/model/vae.js';
import type { HandOver, HandedOver } from '../src/chain.js';
import { toLaneMajor } from '../src/lane-major.js';
import { decodeFrames, encodeFrames } from '../src/frame-codec.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { rng } from './random.js';

const ROWS = 37;
const LAYOUTS: Array<[number, number]> = [[1, 0], [1, 36], [2, 5], [3, 1], [4, 8], [5, 30], [7, 2], [8, 16], [9, 3], [13, 20], [16, 0], [17, 11], [31, 6], [32, 5], [33, 2], [36, 1]];

/** The columns from .. from + size of a lane-major [symbol][lane] array of `lanes` lanes. */
function columns(laneMajor: Uint32Array, lanes: number, from: number, size: number): Uint32Array {
  const rounds = laneMajor.length / lanes;
  const out = new Uint32Array(rounds * size);
  for (let r = 0; r < rounds; r++) out.set(laneMajor.subarray(r * lanes + from, r * lanes + from + size), r * size);
  return out;
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

describe('network rows do not depend on the batch', () => {
  beforeAll(async () => {
    await ready();
  });
  for (const name of ['mnist-binary-ar', 'mnist-8bit-ar', 'mnist-binary', 'mnist-8bit']) {
    it(`${name}: posterior parameters and likelihood intervals per row, any batch size and position`, async () => {
      const model: CodecModel = await loadModel(name);
      const lv = model.latentVariableModel(model.coding);
      const [pixels, latents] = [model.spec.pixels, model.spec.latent];
      const images = (name.includes('binary') ? loadBinarizedMnistTest() : loadMnistImages('test')).pixels.subarray(0, ROWS * pixels);
      const data = Float32Array.from(images);
      const full = encodePosterior(model.vae, data, ROWS);
      const random = rng(name.length);
      const bins = Uint32Array.from({ length: ROWS * latents }, () => Math.floor(random() * 2 ** model.coding.binsLog2));
      const symbols = Uint32Array.from(images);
      const intervals = (from: number, size: number) => {
        const codec = lv.batch(size).likelihood(toLaneMajor(bins.subarray(from * latents, (from + size) * latents), size, latents));
        return codec.intervals(toLaneMajor(symbols.subarray(from * pixels, (from + size) * pixels), size, pixels));
      };
      const whole = intervals(0, ROWS);
      for (const [size, from] of LAYOUTS) {
        const part = encodePosterior(model.vae, data.subarray(from * pixels, (from + size) * pixels), size);
        const rows = [from * latents, (from + size) * latents] as const;
        expect(bits(part.means), `means, batch ${size} at ${from}`).toEqual(bits(full.means.subarray(...rows)));
        expect(bits(part.scales), `scales, batch ${size} at ${from}`).toEqual(bits(full.scales.subarray(...rows)));
        const { starts, freqs } = intervals(from, size);
        expect(starts, `starts, batch ${size} at ${from}`).toEqual(columns(whole.starts, ROWS, from, size));
        expect(freqs, `freqs, batch ${size} at ${from}`).toEqual(columns(whole.freqs, ROWS, from, size));
      }
    }, 60_000);
  }

  it('mnist-binary-ar: frames handed over part-way and resumed beside others code to the same bytes and pixels', async () => {
    const model = await loadModel('mnist-binary-ar');
    const settings = { binsLog2: model.coding.binsLog2, posteriorPrecision: model.coding.posteriorPrecision, likelihoodPrecision: model.coding.likelihoodPrecision, pixelBytes: 1 as const };
    const all = loadBinarizedMnistTest().pixels;
    const frames = [[0, 40, 4], [40, 70, 2], [70, 120, 4]].map(([from, to, chains]) => ({ pixels: all.subarray(from! * 784, to! * 784), chains: chains! }));
    const askedAt = (step: number, into: HandedOver[]): HandOver => {
      let steps = 0;
      return { requested: () => ++steps === step, take: (chains) => into.push(...chains) };
    };
    const alone = encodeFrames(model, settings, frames).map((frame) => frame!);
    const given: HandedOver[] = [];
    const first = encodeFrames(model, settings, frames, askedAt(5, given));
    expect(given.map((g) => g.chain)).toEqual([2]);
    const other = { pixels: all.subarray(200 * 784, 230 * 784), chains: 2 };
    const resumed = encodeFrames(model, settings, [other, { ...frames[2]!, resume: given[0]!.progress }]);
    expect([first[0], first[1], resumed[1]]).toEqual(alone);
    expect(resumed[0]).toEqual(encodeFrames(model, settings, [other])[0]);

    const handed: HandedOver[] = [];
    const decoded = decodeFrames(model, settings, alone, askedAt(3, handed));
    expect(handed.map((g) => g.chain)).toEqual([2]);
    const rest = decodeFrames(model, settings, handed.map((g) => ({ ...alone[g.chain]!, resume: g.progress })));
    expect([...decoded.filter((d) => d), ...rest]).toEqual(frames.map((f) => f.pixels));
  });
});

