// The WASM module's whole public surface. Every coding call works on whole arrays in linear memory:
// a view of the message's lanes (laneOffset, laneCount), n symbols (u32) laid out rounds x laneCount,
// and per-symbol parameter arrays. Push and pop return -1, or the index of the first element that
// cannot be coded (i >= 0: its parameters; -(i + 2): its symbol), before touching the message; a
// strict message's pop returns EXHAUSTED (0x7fffffff) when it runs out of coded bits.

import { Message } from './message';
import { intervalsOf, popSymbols, pushSymbols } from './coder';
import { Uniform } from './dists/uniform';
import { Categorical, CategoricalTable } from './dists/categorical';
import { Bernoulli } from './dists/bernoulli';
import { BetaBinomial } from './dists/betabinomial';
import { GaussianPosterior } from './dists/gaussian';
import { CategoricalProbs } from './dists/categorical-probs';

export { alloc, free } from './memory';
export * from './math';
export {
  message_create, message_allocate, message_free, message_lanes, message_tail_length, message_borrowed,
  message_heads, message_tail, message_first_invalid_head, message_is_initial, message_set_strict,
} from './message';
export { categorical_table_create, categorical_table_free } from './dists/categorical';
export { gaussian_bin_centres, gaussian_bin_of } from './dists/gaussian';
export { pixel_model_create, pixel_model_free } from './pixel-model';
export { autoregressive_push, autoregressive_pop, autoregressive_intervals, autoregressive_log_probabilities } from './pixel-loop';
export { predictive_context } from './pixel-context';

const uniform = new Uniform();
const categoricalBytes = new Categorical<u8>();
const categoricalShorts = new Categorical<u16>();
const categoricalSearch = new Categorical<u32>();
const bernoulli = new Bernoulli();
const betaBinomial = new BetaBinomial();
const gaussianPosterior = new GaussianPosterior();
const categoricalProbs = new CategoricalProbs();

// Each distribution: X_push(message, view, symbols, n, ...params), X_pop(message, view, out, n, ...params)
// and X_intervals(symbols, n, out, ...params), the parameters set by the distribution's use(...).

export function uniform_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, bits: u32): i32 {
  return pushSymbols<Uniform>(m, laneOffset, laneCount, symbols, n, uniform.use(bits));
}
export function uniform_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, bits: u32): i32 {
  return popSymbols<Uniform>(m, laneOffset, laneCount, out, n, uniform.use(bits));
}
export function uniform_intervals(symbols: usize, n: u32, out: usize, bits: u32): i32 {
  return intervalsOf<Uniform>(symbols, n, out, uniform.use(bits));
}

// A categorical table's lookup kind picks the compiled loop (see dists/categorical.ts); push and
// the intervals never look a symbol up, so any kind serves them.
export function categorical_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, table: CategoricalTable): i32 {
  return pushSymbols<Categorical<u32>>(m, laneOffset, laneCount, symbols, n, categoricalSearch.use(table));
}
export function categorical_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, table: CategoricalTable): i32 {
  if (table.lookupBytes == 1) return popSymbols<Categorical<u8>>(m, laneOffset, laneCount, out, n, categoricalBytes.use(table));
  if (table.lookupBytes == 2) return popSymbols<Categorical<u16>>(m, laneOffset, laneCount, out, n, categoricalShorts.use(table));
  return popSymbols<Categorical<u32>>(m, laneOffset, laneCount, out, n, categoricalSearch.use(table));
}
export function categorical_intervals(symbols: usize, n: u32, out: usize, table: CategoricalTable): i32 {
  return intervalsOf<Categorical<u32>>(symbols, n, out, categoricalSearch.use(table));
}

export function bernoulli_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, probs: usize, precision: u32): i32 {
  return pushSymbols<Bernoulli>(m, laneOffset, laneCount, symbols, n, bernoulli.use(probs, precision));
}
export function bernoulli_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, probs: usize, precision: u32): i32 {
  return popSymbols<Bernoulli>(m, laneOffset, laneCount, out, n, bernoulli.use(probs, precision));
}
export function bernoulli_intervals(symbols: usize, n: u32, out: usize, probs: usize, precision: u32): i32 {
  return intervalsOf<Bernoulli>(symbols, n, out, bernoulli.use(probs, precision));
}

export function categorical_probs_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, k: u32, probs: usize, precision: u32): i32 {
  return pushSymbols<CategoricalProbs>(m, laneOffset, laneCount, symbols, n, categoricalProbs.use(k, probs, precision));
}
export function categorical_probs_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, k: u32, probs: usize, precision: u32): i32 {
  return popSymbols<CategoricalProbs>(m, laneOffset, laneCount, out, n, categoricalProbs.use(k, probs, precision));
}
export function categorical_probs_intervals(symbols: usize, n: u32, out: usize, k: u32, probs: usize, precision: u32): i32 {
  return intervalsOf<CategoricalProbs>(symbols, n, out, categoricalProbs.use(k, probs, precision));
}

export function beta_binomial_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, trials: u32, alphas: usize, betas: usize, precision: u32): i32 {
  return pushSymbols<BetaBinomial>(m, laneOffset, laneCount, symbols, n, betaBinomial.use(trials, alphas, betas, precision));
}
export function beta_binomial_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, trials: u32, alphas: usize, betas: usize, precision: u32): i32 {
  return popSymbols<BetaBinomial>(m, laneOffset, laneCount, out, n, betaBinomial.use(trials, alphas, betas, precision));
}
export function beta_binomial_intervals(symbols: usize, n: u32, out: usize, trials: u32, alphas: usize, betas: usize, precision: u32): i32 {
  return intervalsOf<BetaBinomial>(symbols, n, out, betaBinomial.use(trials, alphas, betas, precision));
}

export function gaussian_posterior_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, binsLog2: u32, means: usize, scales: usize, precision: u32): i32 {
  return pushSymbols<GaussianPosterior>(m, laneOffset, laneCount, symbols, n, gaussianPosterior.use(binsLog2, means, scales, precision));
}
export function gaussian_posterior_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, binsLog2: u32, means: usize, scales: usize, precision: u32): i32 {
  return popSymbols<GaussianPosterior>(m, laneOffset, laneCount, out, n, gaussianPosterior.use(binsLog2, means, scales, precision));
}
export function gaussian_posterior_intervals(symbols: usize, n: u32, out: usize, binsLog2: u32, means: usize, scales: usize, precision: u32): i32 {
  return intervalsOf<GaussianPosterior>(symbols, n, out, gaussianPosterior.use(binsLog2, means, scales, precision));
}
