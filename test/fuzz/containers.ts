// Hostile-input harness for one file, shared by the test suite's models: seeded mutations of a real
// container anywhere in it (test/fuzz/mutations.ts), each read whole. Each must decode to exactly
// the original images or be refused with a BbansError of a code for damaged input (the oracle,
// test/fuzz/oracle.ts); anything else fails the run. The joins, ranges, splices and streams of
// `npm run fuzz` are test/fuzz/cases.ts's.
import type { CodecModel } from '../../src/models.js';
import type { PixelArray } from '../../src/pixels.js';
import { rawSegments } from '../format-edit.js';
import { rng } from '../random.js';
import { MUTATIONS } from './mutations.js';
import { judge } from './oracle.js';
import { type FuzzReport, count, emptyReport } from './report.js';
import { expectationAfter } from './sources.js';

export type { FuzzReport } from './report.js';

export async function fuzzContainers(container: Uint8Array, original: PixelArray, model: CodecModel, cases: number, seed: number): Promise<FuzzReport> {
  const random = rng(seed);
  const source = { what: 'the container', images: original, segments: await rawSegments(container) };
  const kinds = Object.keys(MUTATIONS);
  const report = emptyReport();
  for (let c = 0; c < cases; c++) {
    const kind = kinds[c % kinds.length]!;
    const bytes = MUTATIONS[kind]!(container, random);
    count(report, await judge({ kind, what: `case ${c}`, bytes, expected: expectationAfter(source, container, bytes), read: { how: 'whole' } }, model));
  }
  return report;
}
