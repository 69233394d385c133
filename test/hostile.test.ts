import { describe, expect, it } from 'vitest';
import { compress } from '../src/api.js';
import { loadModel } from '../src/models.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { fuzzContainers } from './fuzz.js';

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
});
