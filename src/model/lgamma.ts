// log Gamma(x) for x > 0 from elementary tfjs ops (tfjs has no lgamma kernel). Method: shift x
// up by SHIFT with the recurrence Gamma(x) = Gamma(x + SHIFT) / (x (x+1) ... (x+SHIFT-1)),
// then Stirling's series at y = x + SHIFT >= 4, whose truncation error there (< 4e-8) is below
// float32 rounding. The gradient is an explicit digamma by the same shift-and-series method:
// autodiff through the forward graph would cost about three times as many kernels, and the
// beta-binomial loss evaluates lgamma six times per pixel per step.
import * as tf from './tf.js';

const SHIFT = 4;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Forward value; pair products halve the logs and stay finite for x below ~1e19. */
function lgammaValue(x: tf.Tensor): tf.Tensor {
  const logShiftProduct = tf.add(tf.log(tf.mul(x, tf.add(x, 1))), tf.log(tf.mul(tf.add(x, 2), tf.add(x, 3))));
  const y = tf.add(x, SHIFT);
  const inverse = tf.reciprocal(y);
  const inverseSquared = tf.square(inverse);
  // 1/(12y) - 1/(360y^3) + 1/(1260y^5), in Horner form.
  const series = tf.mul(inverse, tf.add(tf.mul(inverseSquared, tf.sub(tf.mul(inverseSquared, 1 / 1260), 1 / 360)), 1 / 12));
  const stirling = tf.add(tf.add(tf.sub(tf.mul(tf.sub(y, 0.5), tf.log(y)), y), HALF_LOG_TWO_PI), series);
  return tf.sub(stirling, logShiftProduct);
}

/** Elementwise digamma(x) = d lgamma / dx in float32; only valid for x > 0. */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // 1/x + 1/(x+1) + 1/(x+2) + 1/(x+3), two terms per division.
    const shiftSum = tf.add(tf.div(tf.add(tf.mul(x, 2), 1), tf.mul(x, tf.add(x, 1))), tf.div(tf.add(tf.mul(x, 2), 5), tf.mul(tf.add(x, 2), tf.add(x, 3))));
    const y = tf.add(x, SHIFT);
    const inverse = tf.reciprocal(y);
    const inverseSquared = tf.square(inverse);
    // ln y - 1/(2y) - 1/(12y^2) + 1/(120y^4) - 1/(252y^6), in Horner form.
    const series = tf.sub(
      tf.mul(inverseSquared, tf.sub(tf.mul(inverseSquared, tf.add(tf.mul(inverseSquared, -1 / 252), 1 / 120)), 1 / 12)),
      tf.mul(inverse, 0.5),
    );
    return tf.sub(tf.add(tf.log(y), series), shiftSum);
  });
}

const lgammaWithDigammaGradient = tf.customGrad<tf.Tensor>((...args) => {
  const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([input]);
  return {
    value: lgammaValue(input),
    gradFunc: (dy, saved) => tf.mul(dy, digamma(saved[0]!)),
  };
});

/** Elementwise log Gamma(x) in float32; only valid for x > 0. Differentiable (digamma). */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return lgammaWithDigammaGradient(x);
}
