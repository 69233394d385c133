import { describe, expect, it } from 'vitest';
import { compress } from '../src/api.js';
import { describe as describeFile } from '../src/describe.js';
import { loadModel } from '../src/models.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { fuzzContainers } from './fuzz/containers.js';
import { CASE_KINDS, fuzzCase } from './fuzz/cases.js';
import { corpusFor } from './fuzz/corpus.js';
import { judge } from './fuzz/oracle.js';
import { type FuzzReport, count, emptyReport } from './fuzz/report.js';
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

describe('hostile joins, ranges, splices and streams: a seeded slice of npm run fuzz', () => {
  // mnist-8bit-ar's corpus holds the version-2 fixture; mnist-binary-ar's frames are another model's.
  for (const [name, perKind] of [['mnist-8bit-ar', 40], ['mnist-binary-ar', 20]] as const) {
    it(`${name}: ${perKind} cases of each kind (${CASE_KINDS.join(', ')}) decode exactly or are refused with a BbansError`, async () => {
      const corpora = [await corpusFor(name, 4)];
      const reports: Record<string, FuzzReport> = {};
      for (let c = 0; c < perKind * CASE_KINDS.length; c++) {
        const { corpus, case: fuzz } = fuzzCase(corpora, 2026, c);
        count((reports[fuzz.kind] ??= emptyReport()), await judge(fuzz, corpus.model));
      }
      for (const kind of CASE_KINDS) {
        expect(reports[kind]!.cases).toBe(perKind);
        expect(Object.keys(reports[kind]!.refusals).length, kind).toBeGreaterThan(0);
      }
      for (const kind of ['join', 'range', 'splice', 'stream']) expect(reports[kind]!.exact, kind).toBeGreaterThan(0);
    }, 300_000);
  }
});
