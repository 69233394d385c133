// Log probabilities used by the ELBO, in nats, elementwise over [batch, pixels] tensors.
import * as tf from './tf.js';
import { lgamma } from './lgamma.js';

/** log Bernoulli(x | sigmoid(logits)) for x in {0, 1}: x*l - softplus(l), stable for large |l|. */
export function bernoulliLogPmf(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.mul(logits).sub(tf.softplus(logits)));
}

/** log C(n, k) for k = 0..n, in float64 (sum of logs, no lgamma needed for integers). */
export function logBinomialCoefficients(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) table[k] = table[k - 1]! + Math.log((n - k + 1) / k);
  return table;
}

const logChooseTables = new Map<number, Float64Array>();

/**
 * log C(n, k) for every element of k, looked up in JS: it does not depend on the model, so
 * it needs no gradient, and a float64 table is exact where tfjs's wasm gather was slow.
 */
function logBinomialCoefficientsOf(k: tf.Tensor, n: number): tf.Tensor {
  let table = logChooseTables.get(n);
  if (!table) {
    table = logBinomialCoefficients(n);
    logChooseTables.set(n, table);
  }
  const counts = k.dataSync();
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = table[counts[i]!] ?? Number.NaN;
  return tf.tensor(out, k.shape);
}

function logBeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return lgamma(a).add(lgamma(b)).sub(lgamma(a.add(b)));
}

/**
 * log BetaBinomial(k | n, alpha, beta) = log C(n,k) + log B(k+alpha, n-k+beta) - log B(alpha, beta),
 * with k the integer-valued float32 pixels (NaN where k is not an integer in 0..n).
 */
export function betaBinomialLogPmf(k: tf.Tensor, alpha: tf.Tensor, beta: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => {
    const logChoose = logBinomialCoefficientsOf(k, n);
    const posterior = logBeta(k.add(alpha), tf.scalar(n).sub(k).add(beta));
    return logChoose.add(posterior).sub(logBeta(alpha, beta));
  });
}

/** log Categorical(k) for pixel values k [batch, P] and log probabilities [batch, P, values]. */
export function categoricalLogPmf(k: tf.Tensor, logProbabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => logProbabilities.mul(tf.oneHot(tf.cast(k, 'int32'), logProbabilities.shape[2]!)).sum(-1));
}

/** KL(N(mu, sigma^2) || N(0, 1)) summed over the last axis, analytic. */
export function gaussianKlFromStandardNormal(mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    mu.square().add(sigma.square()).sub(1).mul(0.5).sub(tf.log(sigma)).sum(-1),
  );
}
