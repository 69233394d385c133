// Seeded randomness for tests: the same cases on every run and every machine.

/** mulberry32: small, fast, good enough to draw test cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Log-uniform draw in [lo, hi]. */
export function logUniform(random: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo)));
}

/** Draws `count` symbols from integer frequencies (an inverse-CDF lookup). */
export function sampleFrom(random: () => number, freqs: ArrayLike<number>, count: number): Uint32Array {
  const total = Array.from(freqs).reduce((a, b) => a + b, 0);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let r = random() * total;
    let s = 0;
    while (s < freqs.length - 1 && r >= freqs[s]) r -= freqs[s++];
    out[i] = s;
  }
  return out;
}
