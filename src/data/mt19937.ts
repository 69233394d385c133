// MT19937 exactly as numpy's legacy np.random.RandomState uses it, so that sequences drawn
// here are bit-identical to numpy's: an integer seed goes through init_genrand (not
// init_by_array), and random_sample builds a 53-bit double from two 32-bit outputs.

const STATE_WORDS = 624;
const SHIFT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** A snapshot of the generator, enough to resume the sequence exactly (JSON-safe). */
export interface MT19937State {
  key: number[];
  pos: number;
}

export class MT19937 {
  private readonly key = new Uint32Array(STATE_WORDS);
  private pos = STATE_WORDS;

  /** numpy: np.random.RandomState(seed) for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937 seed must be an integer in [0, 2^32), got ${seed}`);
    }
    const key = this.key;
    key[0] = seed >>> 0;
    for (let i = 1; i < STATE_WORDS; i++) {
      const previous = key[i - 1]!;
      key[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
    // numpy leaves pos at 624 after seeding, so the first draw regenerates the whole block.
    this.pos = STATE_WORDS;
  }

  static fromState(state: MT19937State): MT19937 {
    if (state.key.length !== STATE_WORDS || state.pos < 0 || state.pos > STATE_WORDS) {
      throw new RangeError('MT19937 state must have 624 key words and pos in [0, 624]');
    }
    const generator = new MT19937(0);
    generator.key.set(state.key);
    generator.pos = state.pos;
    return generator;
  }

  getState(): MT19937State {
    return { key: Array.from(this.key), pos: this.pos };
  }

  /** numpy: RandomState.randint(2**32, dtype=np.uint32) / the raw genrand_int32 output. */
  nextUint32(): number {
    if (this.pos >= STATE_WORDS) this.regenerate();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy: RandomState.random_sample(), a double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high27 = this.nextUint32() >>> 5;
    const low26 = this.nextUint32() >>> 6;
    return (high27 * TWO_POW_26 + low26) / TWO_POW_53;
  }

  /** numpy: RandomState.random_sample(out.length), filled in order. */
  fillDoubles(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble();
    return out;
  }

  private regenerate(): void {
    const key = this.key;
    for (let i = 0; i < STATE_WORDS; i++) {
      const y = (key[i]! & UPPER_MASK) | (key[(i + 1) % STATE_WORDS]! & LOWER_MASK);
      key[i] = key[(i + SHIFT_M) % STATE_WORDS]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.pos = 0;
  }
}
