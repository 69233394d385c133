// The frame scheduler (src/frame-coder.ts) with a runner that codes nothing: how frames go out in
// jobs, and how a job asked for a hand-over gives frames back to the queue for the idle runner.
import { describe, expect, it } from 'vitest';
import { type JobRunner, batchingCoder } from '../src/frame-coder.js';
import type { FramePixels } from '../src/frame-codec.js';
import { type FrameSettings, sameSettings, settingsOf } from '../src/frame-settings.js';
import type { StreamHeader } from '../src/format/fields.js';
import type { CodedFrame } from '../src/format/coded-frame.js';

const settings: FrameSettings = { binsLog2: 12, posteriorPrecision: 28, likelihoodPrecision: 20, pixelBytes: 1 };
const frameOf = (frame: FramePixels): CodedFrame => ({ kind: 'coded', count: frame.pixels[0]!, crc32: frame.resume?.batches ?? 0, message: new Uint8Array(4) });

describe('frame scheduler', () => {
  it('a runner left idle takes over half of a slow job, which then ends with the rest', async () => {
    const jobs: FramePixels[][] = [];
    const runner: JobRunner = {
      encode(_, frames, onHandedOver) {
        jobs.push(frames);
        const slow = jobs.length === 2;
        let handOver = () => {};
        const result = new Promise<Array<CodedFrame | undefined>>((resolve) => {
          if (!slow) return void setTimeout(() => resolve(frames.map(frameOf)), 5);
          // The slow job codes only when asked to hand over: its later half leaves at batch 7.
          handOver = () => {
            const given = frames.map((_, i) => i).slice(Math.ceil(frames.length / 2));
            onHandedOver(given.map((chain) => ({ chain, progress: { message: new Uint8Array(8), batches: 7 } })));
            setTimeout(() => resolve(frames.map((frame, i) => (given.includes(i) ? undefined : frameOf(frame)))), 5);
          };
        });
        return { result, handOver: () => handOver() };
      },
      decode: () => { throw new Error('not used'); },
    };
    const coder = batchingCoder(2, runner);
    const frames = await Promise.all(Array.from({ length: 8 }, (_, i) => coder.encode(settings, new Uint8Array([i]), 2)));
    expect(frames.map((f) => f.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Two even jobs; then the frames handed over, whole, to the idle runner, with where they stood.
    expect(jobs.map((job) => job.map((f) => f.pixels[0]))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [6, 7]]);
    expect(jobs[2]!.every((f) => f.resume?.batches === 7)).toBe(true);
    expect(frames.map((f) => f.crc32)).toEqual([0, 0, 0, 0, 0, 0, 7, 7]);
  });

  it('a job that fails fails only the frames it still holds', async () => {
    let calls = 0;
    const runner: JobRunner = {
      encode(_, frames, onHandedOver) {
        calls++;
        if (calls === 1) return { result: Promise.resolve(frames.map(frameOf)), handOver() {} };
        if (calls === 3) return { result: Promise.resolve(frames.map(frameOf)), handOver() {} };
        let fail = () => {};
        const result = new Promise<Array<CodedFrame | undefined>>((_, reject) => (fail = () => reject(new Error('worker died'))));
        return { result, handOver: () => { onHandedOver([{ chain: 1, progress: { message: new Uint8Array(8), batches: 5 } }]); setTimeout(fail, 5); } };
      },
      decode: () => { throw new Error('not used'); },
    };
    const coder = batchingCoder(2, runner);
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => coder.encode(settings, new Uint8Array([i]), 1)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('frame settings', () => {
  it('are exactly the header fields the coded bits depend on, and frames differing in any one of them do not share a job', () => {
    const header: StreamHeader = { source: 'idx', sourceHeader: new Uint8Array(4), modelName: 'm', fingerprint: new Uint8Array(16), itemShape: [28, 28], ...settings };
    expect(settingsOf(header)).toEqual(settings);
    expect(sameSettings(settingsOf(header), settings)).toBe(true);
    for (const key of Object.keys(settings) as Array<keyof FrameSettings>) {
      expect(sameSettings({ ...settings, [key]: settings[key] + 1 }, settings), key).toBe(false);
    }
  });
});
