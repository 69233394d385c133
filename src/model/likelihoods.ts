// Log probabilities used by the ELBO, in nats, elementwise over [batch, pixels] tensors.
import * as tf from './tf.js';
import { lgamma } from './lgamma.js';

/** log Bernoulli(x | sigmoid(logits)) for x in {0, 1}: x*l - softplus(l), stable for large |l|. */
export function bernoulliLogPmf(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(x, logits), tf.softplus(logits)));
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
  return tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b)));
}

/**
 * log BetaBinomial(k | n, alpha, beta) = log C(n,k) + log B(k+alpha, n-k+beta) - log B(alpha, beta),
 * with k the integer-valued float32 pixels (NaN where k is not an integer in 0..n).
 */
export function betaBinomialLogPmf(k: tf.Tensor, alpha: tf.Tensor, beta: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => {
    const logChoose = logBinomialCoefficientsOf(k, n);
    const posterior = logBeta(tf.add(k, alpha), tf.add(tf.sub(tf.scalar(n), k), beta));
    return tf.sub(tf.add(logChoose, posterior), logBeta(alpha, beta));
  });
}

/** log Categorical(k) for pixel values k [batch, P] and log probabilities [batch, P, values]. */
export function categoricalLogPmf(k: tf.Tensor, logProbabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(logProbabilities, tf.oneHot(tf.cast(k, 'int32'), logProbabilities.shape[2]!)), -1));
}

/** KL(N(mu, sigma^2) || N(0, 1)) summed over the last axis, analytic. */
export function gaussianKlFromStandardNormal(mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.sum(tf.sub(tf.mul(tf.sub(tf.add(tf.square(mu), tf.square(sigma)), 1), 0.5), tf.log(sigma)), -1),
  );
}
