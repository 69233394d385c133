import { describe, expect, it } from 'vitest';
import { compress } from '../src/api.js';
import { describe as describeFile } from '../src/describe.js';
import { loadModel } from '../src/models.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { fuzzContainers } from './fuzz.js';
import { rng } from './random.js';

describe('hostile containers', () => {
  for (const [name, count, cases] of [['mnist-binary', 3, 5000], ['mnist-8bit', 2, 5000], ['mnist-binary-ar', 3, 1000], ['mnist-8bit-ar', 2, 1000]] as const) {
    it(`${name}: ${cases} seeded mutations each decode exactly or are refused with a BbansError`, async () => {
      const model = await loadModel(name);
      const source = model.spec.maxPixelValue === 1 ? loadBinarizedMnistTest() : loadMnistImages('test');
      const images = new Uint8Array(source.pixels.subarray(0, count * 784));
      const container = await compress(images, { model, chains: 2 });
      const report = await fuzzContainers(container, images, model, cases, 1234);
      expect(report.exact + Object.values(report.refusals).reduce((a, b) => a + b, 0)).toBe(cases);
      expect(Object.keys(report.refusals).length).toBeGreaterThan(3);
    }, 300_000);
  }

  it('stored frames (noise the model does not fit): 2000 seeded mutations each decode exactly or are refused with a BbansError', async () => {
    const model = await loadModel('mnist-8bit-ar');
    const random = rng(77);
    const images = Uint8Array.from({ length: 3 * 784 }, () => Math.floor(random() * 256));
    const container = await compress(images, { model, frameSize: 2 });
    expect((await describeFile(container)).segments[0]!.frames.map((f) => f.kind)).toEqual(['stored', 'stored']);
    const report = await fuzzContainers(container, images, model, 2000, 4321);
    expect(report.exact + Object.values(report.refusals).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(report.refusals.CHECKSUM_MISMATCH).toBeGreaterThan(0);
  }, 300_000);
});
