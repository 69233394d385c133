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
  const logShiftProduct = tf.log(x.mul(x.add(1))).add(tf.log(x.add(2).mul(x.add(3))));
  const y = x.add(SHIFT);
  const inverse = tf.reciprocal(y);
  const inverseSquared = inverse.square();
  // 1/(12y) - 1/(360y^3) + 1/(1260y^5), in Horner form.
  const series = inverse.mul(inverseSquared.mul(inverseSquared.mul(1 / 1260).sub(1 / 360)).add(1 / 12));
  const stirling = y.sub(0.5).mul(tf.log(y)).sub(y).add(HALF_LOG_TWO_PI).add(series);
  return stirling.sub(logShiftProduct);
}

/** Elementwise digamma(x) = d lgamma / dx in float32; only valid for x > 0. */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // 1/x + 1/(x+1) + 1/(x+2) + 1/(x+3), two terms per division.
    const shiftSum = x.mul(2).add(1).div(x.mul(x.add(1))).add(x.mul(2).add(5).div(x.add(2).mul(x.add(3))));
    const y = x.add(SHIFT);
    const inverse = tf.reciprocal(y);
    const inverseSquared = inverse.square();
    // ln y - 1/(2y) - 1/(12y^2) + 1/(120y^4) - 1/(252y^6), in Horner form.
    const series = inverseSquared
      .mul(inverseSquared.mul(inverseSquared.mul(-1 / 252).add(1 / 120)).sub(1 / 12))
      .sub(inverse.mul(0.5));
    return tf.log(y).add(series).sub(shiftSum);
  });
}

const lgammaWithDigammaGradient = tf.customGrad<tf.Tensor>((...args) => {
  const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([input]);
  return {
    value: lgammaValue(input),
    gradFunc: (dy, saved) => dy.mul(digamma(saved[0]!)),
  };
});

/** Elementwise log Gamma(x) in float32; only valid for x > 0. Differentiable (digamma). */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return lgammaWithDigammaGradient(x);
}
