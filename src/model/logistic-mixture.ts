// The discretised logistic mixture over pixel values 0..n (PixelCNN++, Salimans et al. 2017), in
// the form the WASM coder quantises (assembly/pixel-distribution.ts): component k has weight
// softmax(logits)_k, mean m_k and scale exp(clip(l_k)) in units of n (pixels / n), and
//   F(x) = sum_k pi_k sigmoid(((x + 0.5) / n - m_k) / s_k)   for x < n,  F(n) = 1,
//   P(x) = F(x) - F(x - 1), so the end bins take the tails.
import * as tf from './tf.js';

/** Log scales are clipped to this range (units of n): narrower than a pixel is pointless, wider than the range is flat. */
export const LOG_SCALE_MIN = -7;
export const LOG_SCALE_MAX = 3;

/**
 * log P(x) in nats for the heads' raw outputs (each [N, K]) and pixel values x [N, 1] in 0..n
 * (float32 integers). Interior bins use
 *   log(sigmoid(a) - sigmoid(b)) = log sigmoid(a) + log sigmoid(-b) + log(1 - e^-(a-b)),
 * stable for every a > b; a - b = 1 / (n s) does not depend on x. The end bins are chosen by
 * masks (constants, outside the gradient), not tf.where, whose broadcasting tiles on wasm.
 */
export function logisticMixtureLogPmf(x: tf.Tensor, logits: tf.Tensor, means: tf.Tensor, rawLogScales: tf.Tensor, n: number): tf.Tensor1D {
  return tf.tidy(() => {
    const inverseScale = tf.exp(tf.neg(tf.clipByValue(rawLogScales, LOG_SCALE_MIN, LOG_SCALE_MAX)));
    const centred = tf.sub(tf.div(x, n), means);
    const halfBin = 0.5 / n;
    const a = tf.mul(tf.add(centred, halfBin), inverseScale);
    const b = tf.mul(tf.sub(centred, halfBin), inverseScale);
    const logSigmoidA = tf.neg(tf.softplus(tf.neg(a)));
    const logSigmoidMinusB = tf.neg(tf.softplus(b));
    const logBinWidth = tf.log(tf.neg(tf.expm1(tf.neg(tf.div(inverseScale, n)))));
    const lowEnd = tf.cast(tf.lessEqual(x, 0), 'float32');
    const highEnd = tf.cast(tf.greaterEqual(x, n), 'float32');
    const interior = tf.sub(tf.sub(tf.scalar(1), lowEnd), highEnd);
    // Low end: log sigmoid(a); high end: log sigmoid(-b); else both plus the bin width term.
    const perComponent = tf.add(
      tf.add(tf.mul(logSigmoidA, tf.sub(tf.scalar(1), highEnd)), tf.mul(logSigmoidMinusB, tf.sub(tf.scalar(1), lowEnd))),
      tf.mul(logBinWidth, interior),
    );
    return tf.logSumExp(tf.add(perComponent, tf.logSoftmax(logits)), 1) as tf.Tensor1D;
  });
}
