// The WASM module's whole public surface. Every coding call works on whole arrays in linear memory:
// a view of the message's lanes (laneOffset, laneCount), n symbols (u32) laid out rounds x laneCount,
// and per-symbol parameter arrays. Push and pop return -1, or the index of the first element that
// cannot be coded (i >= 0: its parameters; -(i + 2): its symbol), before touching the message.

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
  message_heads, message_tail, message_first_invalid_head, message_is_initial,
} from './message';
export { categorical_table_create, categorical_table_free } from './dists/categorical';
export { gaussian_bin_centres, gaussian_bin_of } from './dists/gaussian';

const uniform = new Uniform();
const categorical = new Categorical();
const bernoulli = new Bernoulli();
const betaBinomial = new BetaBinomial();
const gaussianPosterior = new GaussianPosterior();
const categoricalProbs = new CategoricalProbs();

export function uniform_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, bits: u32): i32 {
  uniform.precision = bits;
  return pushSymbols<Uniform>(m, laneOffset, laneCount, symbols, n, uniform);
}
export function uniform_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, bits: u32): i32 {
  uniform.precision = bits;
  return popSymbols<Uniform>(m, laneOffset, laneCount, out, n, uniform);
}

export function categorical_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, table: CategoricalTable): i32 {
  categorical.use(table);
  return pushSymbols<Categorical>(m, laneOffset, laneCount, symbols, n, categorical);
}
export function categorical_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, table: CategoricalTable): i32 {
  categorical.use(table);
  return popSymbols<Categorical>(m, laneOffset, laneCount, out, n, categorical);
}

export function bernoulli_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, probs: usize, precision: u32): i32 {
  bernoulli.probs = probs;
  bernoulli.precision = precision;
  return pushSymbols<Bernoulli>(m, laneOffset, laneCount, symbols, n, bernoulli);
}
export function bernoulli_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, probs: usize, precision: u32): i32 {
  bernoulli.probs = probs;
  bernoulli.precision = precision;
  return popSymbols<Bernoulli>(m, laneOffset, laneCount, out, n, bernoulli);
}

export function beta_binomial_push(
  m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32,
  trials: u32, alphas: usize, betas: usize, precision: u32,
): i32 {
  betaBinomial.use(trials, alphas, betas, precision);
  return pushSymbols<BetaBinomial>(m, laneOffset, laneCount, symbols, n, betaBinomial);
}
export function beta_binomial_pop(
  m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32,
  trials: u32, alphas: usize, betas: usize, precision: u32,
): i32 {
  betaBinomial.use(trials, alphas, betas, precision);
  return popSymbols<BetaBinomial>(m, laneOffset, laneCount, out, n, betaBinomial);
}

export function categorical_probs_push(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, k: u32, probs: usize, precision: u32): i32 {
  categoricalProbs.symbols = k;
  categoricalProbs.probs = probs;
  categoricalProbs.precision = precision;
  return pushSymbols<CategoricalProbs>(m, laneOffset, laneCount, symbols, n, categoricalProbs);
}
export function categorical_probs_pop(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, k: u32, probs: usize, precision: u32): i32 {
  categoricalProbs.symbols = k;
  categoricalProbs.probs = probs;
  categoricalProbs.precision = precision;
  return popSymbols<CategoricalProbs>(m, laneOffset, laneCount, out, n, categoricalProbs);
}

export function gaussian_posterior_push(
  m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32,
  binsLog2: u32, means: usize, scales: usize, precision: u32,
): i32 {
  gaussianPosterior.use(binsLog2, means, scales, precision);
  return pushSymbols<GaussianPosterior>(m, laneOffset, laneCount, symbols, n, gaussianPosterior);
}
export function gaussian_posterior_pop(
  m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32,
  binsLog2: u32, means: usize, scales: usize, precision: u32,
): i32 {
  gaussianPosterior.use(binsLog2, means, scales, precision);
  return popSymbols<GaussianPosterior>(m, laneOffset, laneCount, out, n, gaussianPosterior);
}

// (start, freq) pairs of given symbols, without coding anything.
export function uniform_intervals(symbols: usize, n: u32, out: usize, bits: u32): i32 {
  uniform.precision = bits;
  return intervalsOf<Uniform>(symbols, n, out, uniform);
}
export function categorical_intervals(symbols: usize, n: u32, out: usize, table: CategoricalTable): i32 {
  categorical.use(table);
  return intervalsOf<Categorical>(symbols, n, out, categorical);
}
export function bernoulli_intervals(symbols: usize, n: u32, out: usize, probs: usize, precision: u32): i32 {
  bernoulli.probs = probs;
  bernoulli.precision = precision;
  return intervalsOf<Bernoulli>(symbols, n, out, bernoulli);
}
export function beta_binomial_intervals(symbols: usize, n: u32, out: usize, trials: u32, alphas: usize, betas: usize, precision: u32): i32 {
  betaBinomial.use(trials, alphas, betas, precision);
  return intervalsOf<BetaBinomial>(symbols, n, out, betaBinomial);
}
export function gaussian_posterior_intervals(symbols: usize, n: u32, out: usize, binsLog2: u32, means: usize, scales: usize, precision: u32): i32 {
  gaussianPosterior.use(binsLog2, means, scales, precision);
  return intervalsOf<GaussianPosterior>(symbols, n, out, gaussianPosterior);
}
export function categorical_probs_intervals(symbols: usize, n: u32, out: usize, k: u32, probs: usize, precision: u32): i32 {
  categoricalProbs.symbols = k;
  categoricalProbs.probs = probs;
  categoricalProbs.precision = precision;
  return intervalsOf<CategoricalProbs>(symbols, n, out, categoricalProbs);
}
