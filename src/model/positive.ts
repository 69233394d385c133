// The networks' positive outputs (posterior scale, beta-binomial alpha and beta) come from a
// softplus, which underflows to exactly 0 in float32 for inputs below about -88: a log(0) in the
// loss (training stopped on a NaN at 8-bit epoch 37) and a parameter the codec must refuse. Both the
// loss and the codec read them through this one floor, so they see the same distribution.
import * as tf from './tf.js';

export const POSITIVE_FLOOR = 1e-6;

export function positive(t: tf.Tensor): tf.Tensor {
  return tf.add(t, POSITIVE_FLOOR);
}
