// Deterministic normal-distribution math in WASM (assembly/math.ts): accuracy against mpmath
// references (test/fixtures/normal-reference.json, written by scripts/make-normal-reference.py),
// special values, and monotonicity, which the codec relies on (a CDF that steps back by one ulp
// between two quantisation points can give a symbol zero frequency).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { core } from '../src/wasm.js';

type MathFn = 'erfc' | 'ndtr' | 'ndtri';
type ArrayEntry = (inPtr: number, outPtr: number, n: number) => void;

/** f(xs) through the WASM array entry point, one call per array. */
function wasm(fn: MathFn, xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  if (n === 0) return new Float64Array(0);
  const inPtr = core().alloc(n * 8);
  const outPtr = core().alloc(n * 8);
  try {
    new Float64Array(core().memory.buffer, inPtr, n).set(xs);
    (core()[`${fn}_array`] as ArrayEntry)(inPtr, outPtr, n);
    return new Float64Array(core().memory.buffer, outPtr, n).slice(); // fresh view: memory may have grown
  } finally {
    core().free(inPtr);
    core().free(outPtr);
  }
}

function scalar(fn: MathFn, x: number): number {
  return (core()[fn] as (x: number) => number)(x);
}

// ---------------------------------------------------------------------------------------------
// Doubles as ordered integers, for runs of consecutive floats.

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const MAGNITUDE = 0x7fffffffffffffffn;
const SIGN = -0x8000000000000000n;

/** Order-preserving integer key of a double (-0 and +0 share 0). */
function key(x: number): bigint {
  f64[0] = x;
  const b = i64[0];
  return b >= 0n ? b : -(b & MAGNITUDE);
}

function fromKey(k: bigint): number {
  i64[0] = k >= 0n ? k : (-k) | SIGN;
  return f64[0];
}

/** The double k steps above x (k < 0: below). */
function step(x: number, k: number): number {
  return fromKey(key(x) + BigInt(k));
}

/** The 2w + 1 consecutive doubles centred on x, ascending. */
function around(x: number, w: number): Float64Array {
  const out = new Float64Array(2 * w + 1);
  const k0 = key(x) - BigInt(w);
  for (let i = 0; i < out.length; i++) out[i] = fromKey(k0 + BigInt(i));
  return out;
}

/** Indices i where ys[i] < ys[i - 1] (dir = 1) or ys[i] > ys[i - 1] (dir = -1). */
function reversals(ys: Float64Array, dir: 1 | -1): number[] {
  const bad: number[] = [];
  for (let i = 1; i < ys.length; i++) if (dir * (ys[i] - ys[i - 1]) < 0) bad.push(i);
  return bad;
}

function expectMonotone(fn: MathFn, xs: Float64Array, dir: 1 | -1 = 1): void {
  const ys = wasm(fn, xs);
  const bad = reversals(ys, dir).slice(0, 3).map((i) => `${fn}(${xs[i - 1]}) = ${ys[i - 1]} then ${fn}(${xs[i]}) = ${ys[i]}`);
  expect(bad).toEqual([]);
}

/** Small deterministic PRNG (xorshift32) for sampled checks. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------

interface Reference { x?: number[]; p?: number[]; ref: string[] }
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/normal-reference.json', import.meta.url), 'utf8'),
) as Record<MathFn, Reference>;

const MIN_NORMAL = 2.2250738585072014e-308;
const MIN_SUBNORMAL = 5e-324;

describe('accuracy against mpmath', () => {
  for (const fn of ['ndtr', 'erfc'] as const) {
    it(`${fn}: relative error <= 1e-14 down to underflow`, () => {
      const { x, ref } = fixture[fn];
      const xs = Float64Array.from(x!);
      const ys = wasm(fn, xs);
      let worst = 0;
      let worstAt = 0;
      for (let i = 0; i < xs.length; i++) {
        const r = Number(ref[i]);
        if (Math.abs(r) >= MIN_NORMAL) {
          const rel = Math.abs(ys[i] - r) / Math.abs(r);
          if (rel > worst) [worst, worstAt] = [rel, xs[i]];
        } else {
          // subnormal or zero result: within two units of the smallest subnormal
          expect(Math.abs(ys[i] - r), `${fn}(${xs[i]})`).toBeLessThanOrEqual(2 * MIN_SUBNORMAL);
        }
      }
      expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(1e-14);
    });
  }

  it('ndtri: absolute error <= 1e-14 * max(1, |x|), p down to 5e-324', () => {
    const { p, ref } = fixture.ndtri;
    const ps = Float64Array.from(p!);
    const xs = wasm('ndtri', ps);
    let worst = 0;
    let worstAt = 0;
    for (let i = 0; i < ps.length; i++) {
      const r = Number(ref[i]);
      const err = Math.abs(xs[i] - r) / Math.max(1, Math.abs(r));
      if (err > worst) [worst, worstAt] = [err, ps[i]];
    }
    expect(worst, `worst at p = ${worstAt}`).toBeLessThanOrEqual(1e-14);
  });

  it('the fixture covers both tails', () => {
    expect(Math.min(...fixture.ndtr.x!)).toBeLessThanOrEqual(-38);
    expect(Math.min(...fixture.ndtri.p!)).toBeLessThanOrEqual(1e-300);
    expect(Math.max(...fixture.ndtri.p!)).toBeGreaterThanOrEqual(1 - 2 ** -52);
  });
});

describe('special values', () => {
  it('ndtr', () => {
    expect(scalar('ndtr', -Infinity)).toBe(0);
    expect(scalar('ndtr', Infinity)).toBe(1);
    expect(scalar('ndtr', NaN)).toBeNaN();
    expect(scalar('ndtr', 0)).toBe(0.5);
    expect(scalar('ndtr', -0)).toBe(0.5);
    expect(scalar('ndtr', -40)).toBe(0);
    expect(scalar('ndtr', -38)).toBeGreaterThan(0); // 2.9e-316, subnormal
    expect(scalar('ndtr', 9)).toBe(1);
    expect(scalar('ndtr', Number.MAX_VALUE)).toBe(1);
    expect(scalar('ndtr', -Number.MAX_VALUE)).toBe(0);
    expect(scalar('ndtr', 1e-300)).toBe(0.5);
  });

  it('ndtri', () => {
    expect(scalar('ndtri', 0)).toBe(-Infinity);
    expect(scalar('ndtri', -0)).toBe(-Infinity);
    expect(scalar('ndtri', 1)).toBe(Infinity);
    expect(scalar('ndtri', 0.5)).toBe(0);
    for (const p of [NaN, -1e-300, -1, step(1, 1), 2, Infinity, -Infinity]) expect(scalar('ndtri', p)).toBeNaN();
    expect(scalar('ndtri', MIN_SUBNORMAL)).toBeCloseTo(-38.4674056171, 9);
  });

  it('erfc', () => {
    expect(scalar('erfc', Infinity)).toBe(0);
    expect(scalar('erfc', -Infinity)).toBe(2);
    expect(scalar('erfc', NaN)).toBeNaN();
    expect(scalar('erfc', 0)).toBe(1);
    expect(scalar('erfc', -0)).toBe(1);
    expect(scalar('erfc', 28)).toBe(0);
    expect(scalar('erfc', 27)).toBeGreaterThan(0); // 5.2e-319, subnormal
    expect(scalar('erfc', -6)).toBe(2);
  });

  it('symmetries', () => {
    // ndtri(1 - p) = -ndtri(p) exactly where 1 - p is exact, e.g. on the 2^-16 grid
    const ps = Float64Array.from({ length: 65535 }, (_, i) => (i + 1) / 65536);
    const xs = wasm('ndtri', ps);
    for (let i = 0; i < ps.length; i++) if (xs[i] !== -xs[ps.length - 1 - i]) expect(`${ps[i]}: ${xs[i]}`).toBe('antisymmetric');
    // ndtr(x) + ndtr(-x) = 1 up to rounding
    const rand = prng(7);
    const x = Float64Array.from({ length: 20000 }, () => (rand() - 0.5) * 20);
    const a = wasm('ndtr', x);
    const b = wasm('ndtr', x.map((v) => -v));
    for (let i = 0; i < x.length; i++) expect(Math.abs(a[i] + b[i] - 1)).toBeLessThanOrEqual(2 ** -52);
  });

  it('array entry points accept in == out', () => {
    const n = 4;
    const ptr = core().alloc(n * 8);
    try {
      new Float64Array(core().memory.buffer, ptr, n).set([-1, 0, 1, 2]);
      (core().ndtr_array as ArrayEntry)(ptr, ptr, n);
      expect(Array.from(new Float64Array(core().memory.buffer, ptr, n))).toEqual([-1, 0, 1, 2].map((v) => scalar('ndtr', v)));
    } finally {
      core().free(ptr);
    }
  });
});

// Piece boundaries of assembly/math.ts, where two approximations meet, the quantisation grid
// changes, or exp(-x^2/2) (exp(-x^2) in erfc) switches to its scaled form near underflow. Also
// binade edges of |x| (the ulp changes there) and where results become subnormal and then 0.
const NDTR_BOUNDARIES = [0, 0.25, 0.5, 0.671875, 1, 2, 4, 5.65625, 8, 16, 32, Math.sqrt(1360), 37.5, 38.47, 39];
const ERFC_BOUNDARIES = [0, 0.46875, 1, 2, 4, 8, 16, Math.sqrt(680), 26.55, 27.3, 27.5];
// For ndtri: the central/tail switches, r = sqrt(-log p) = 5 (the two tail pieces) and the binade
// edges of r (its quantisation grid changes at powers of two), the ends of the range.
const NDTRI_BOUNDARIES = [
  0.0750000000000007, 0.9249999999999993, 0.075, 0.925, 0.5, 0.25, 0.75,
  Math.exp(-25), 1 - Math.exp(-25), Math.exp(-4), 1 - Math.exp(-4), Math.exp(-16), 1 - Math.exp(-16),
  Math.exp(-64), Math.exp(-256), MIN_NORMAL,
];

describe('monotonicity', () => {
  it('ndtr is non-decreasing across every piece boundary (4001 consecutive doubles each)', () => {
    for (const b of NDTR_BOUNDARIES) for (const s of [1, -1]) expectMonotone('ndtr', around(s * b, 2000));
  });

  it('ndtr is non-decreasing across each 1/256 split of the exponential', () => {
    const xs: number[] = [];
    for (let k = Math.ceil(0.671875 * 256); k <= 39 * 256; k++) {
      for (const s of [1, -1]) for (const v of around((s * k) / 256, 6)) xs.push(v);
    }
    // each window ascends on its own; compare within windows only
    const ys = wasm('ndtr', xs);
    const bad: string[] = [];
    for (let i = 0; i < xs.length; i++) if (i % 13 !== 0 && ys[i] < ys[i - 1]) bad.push(`${xs[i - 1]} -> ${xs[i]}`);
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('ndtr increases strictly between neighbouring points of its quantisation grid', () => {
    // |x| < 4 is rounded to multiples of h = 2^-48 (below 2) or 2^-49; the evaluation error must
    // stay below half the step of Phi between grid points. Sampled: 300k random neighbours.
    const rand = prng(42);
    const n = 300000;
    const xs = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const g0 = rand() * 4;
      const h = g0 < 2 ? 2 ** -48 : 2 ** -49;
      const g = Math.round(g0 / h) * h;
      xs[2 * i] = -(g + h);
      xs[2 * i + 1] = -g;
    }
    const ys = wasm('ndtr', xs);
    let bad = 0;
    for (let i = 0; i < n; i++) if (!(ys[2 * i] < ys[2 * i + 1])) bad++;
    expect(bad).toBe(0);
  });

  it('ndtr is non-decreasing on 10^7 sorted points over [-40, 40]', () => {
    const total = 10_000_000;
    const chunk = 1_000_000;
    let last = -Infinity;
    for (let start = 0; start < total; start += chunk) {
      const xs = Float64Array.from({ length: chunk }, (_, i) => -40 + (80 * (start + i)) / (total - 1));
      const ys = wasm('ndtr', xs);
      expect(ys[0]).toBeGreaterThanOrEqual(last);
      expect(reversals(ys, 1)).toEqual([]);
      last = ys[chunk - 1];
    }
  });

  it('ndtr is non-decreasing over random runs of consecutive doubles', () => {
    const rand = prng(99);
    for (let i = 0; i < 60; i++) {
      const x = i % 2 ? rand() * 80 - 40 : (rand() < 0.5 ? -1 : 1) * 10 ** (rand() * 2 - 1.5);
      expectMonotone('ndtr', around(x, 2500));
    }
  });

  it('ndtri is strictly increasing on p = i / 2^16', () => {
    const ps = Float64Array.from({ length: 65535 }, (_, i) => (i + 1) / 65536);
    const xs = wasm('ndtri', ps);
    let bad = 0;
    for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) bad++;
    expect(bad).toBe(0);
    expect(xs[0]).toBeGreaterThan(-Infinity);
    expect(xs[xs.length - 1]).toBeLessThan(Infinity);
  });

  it('ndtri is non-decreasing across every piece boundary and at the ends', () => {
    for (const b of NDTRI_BOUNDARIES) expectMonotone('ndtri', around(b, 2000));
    expectMonotone('ndtri', around(0, 4000).slice(4000)); // 0 and the smallest subnormals
    expectMonotone('ndtri', around(1, 4000).slice(0, 4001)); // up to 1
  });

  it('ndtri is non-decreasing in dense sweeps (linear and logarithmic in p)', () => {
    const n = 2_000_000;
    expectMonotone('ndtri', Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n));
    expectMonotone('ndtri', Float64Array.from({ length: n }, (_, i) => 10 ** (-323.3 + (323 * i) / n)));
    expectMonotone('ndtri', Float64Array.from({ length: n / 4 }, (_, i) => 1 - 10 ** ((-16 * (i + 1)) / (n / 4))));
  });

  it('ndtri is non-decreasing over random runs of consecutive doubles', () => {
    const rand = prng(5);
    for (let i = 0; i < 60; i++) {
      const p = i % 3 === 0 ? rand() : i % 3 === 1 ? 10 ** (-rand() * 300) : 1 - 10 ** (-rand() * 15);
      expectMonotone('ndtri', around(p, 2500));
    }
  });

  it('erfc is non-increasing across its piece boundaries and in a dense sweep', () => {
    for (const b of ERFC_BOUNDARIES) for (const s of [1, -1]) expectMonotone('erfc', around(s * b, 2000), -1);
    const n = 2_000_000;
    expectMonotone('erfc', Float64Array.from({ length: n }, (_, i) => -7 + (35 * i) / (n - 1)), -1);
  });
});

describe('round trip', () => {
  it('ndtri(ndtr(x)) ~ x', () => {
    const n = 20001;
    const xs = Float64Array.from({ length: n }, (_, i) => -37.5 + (45.5 * i) / (n - 1)); // up to 8
    const back = wasm('ndtri', wasm('ndtr', xs));
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      // ndtr has ~5e-15 relative error, and above 0 it is 1 - Q rounded to 2^-53: the inverse
      // can only recover x to about that over the density.
      const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
      const tol = 2e-14 * Math.max(1, Math.abs(x)) + (x > 0 ? 2 ** -52 / density : 0);
      if (!(Math.abs(back[i] - x) <= tol)) expect(`x = ${x}: ${back[i]}`).toBe('within tolerance');
    }
  });

  it('ndtr(ndtri(p)) ~ p', () => {
    const ps = fixture.ndtri.p!.filter((p) => p >= 1e-300);
    const back = wasm('ndtr', wasm('ndtri', ps));
    const xs = wasm('ndtri', ps);
    ps.forEach((p, i) => {
      // an error dx in x moves Phi by about Phi * max(1, |x|) * dx below 1/2
      const tol = p < 0.5 ? 2e-14 * p * (1 + xs[i] * xs[i]) : 4e-15;
      if (!(Math.abs(back[i] - p) <= tol)) expect(`p = ${p}: ${back[i]}`).toBe('within tolerance');
    });
  });
});
