// log Gamma for positive arguments, our own so every engine gets the same bits: shift the argument
// up by the recurrence Gamma(x + 1) = x Gamma(x) until Stirling's series is accurate to ~1e-16.

const STIRLING_FROM: f64 = 15;
const HALF_LOG_TWO_PI: f64 = 0.9189385332046727;

export function lgammaPositive(x: f64): f64 {
  let product: f64 = 1;
  while (x < STIRLING_FROM) {
    product *= x;
    x += 1;
  }
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9)
  const series =
    inverse * (1.0 / 12 + inverseSquared * (-1.0 / 360 + inverseSquared * (1.0 / 1260 + inverseSquared * (-1.0 / 1680 + inverseSquared * (1.0 / 1188)))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - Math.log(product);
}

/** log of the rising factorial x (x + 1) ... (x + n - 1) = lgamma(x + n) - lgamma(x). */
export function logRising(x: f64, n: f64): f64 {
  return lgammaPositive(x + n) - lgammaPositive(x);
}
