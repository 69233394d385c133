import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../src/cli/progress.js';

const isTTY = process.stderr.isTTY;
afterEach(() => {
  process.stderr.isTTY = isTTY;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function drawn(setup: () => ((done: number, total: number) => void) | undefined, steps: Array<[number, number, number]>): string {
  const writes: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
  vi.useFakeTimers({ now: 0 });
  const bar = setup();
  for (const [at, done, total] of steps) {
    vi.setSystemTime(at);
    bar?.(done, total);
  }
  return writes.join('');
}

describe('progress bar', () => {
  it('draws on a terminal once work passes a second, and ends the line', () => {
    process.stderr.isTTY = true;
    const out = drawn(() => progressBar('compressing', false), [[500, 10, 100], [1500, 50, 100], [2500, 100, 100]]);
    expect(out).toBe('\rcompressing [###############...............] 50/100 images\rcompressing [##############################] 100/100 images\n');
  });

  it('stays silent off a terminal, with --quiet, and for work under a second', () => {
    process.stderr.isTTY = false;
    expect(progressBar('x', false)).toBeUndefined();
    process.stderr.isTTY = true;
    expect(progressBar('x', true)).toBeUndefined();
    expect(drawn(() => progressBar('x', false), [[100, 50, 100], [900, 100, 100]])).toBe('');
  });
});
