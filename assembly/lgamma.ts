// log Gamma sums for positive arguments, our own so every engine gets the same bits. Each argument
// is shifted up by the recurrence Gamma(x + 1) = x Gamma(x) until Stirling's series is accurate to
// ~1e-16; the shift products of all terms share one log, and the constant 0.5 log(2 pi) cancels
// between the terms added and the terms taken away.

const STIRLING_FROM: f64 = 15;

/** Stirling's series for lgamma(x) without its constant term 0.5 log(2 pi); x >= STIRLING_FROM. */
@inline
function stirling(x: f64): f64 {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9)
  const series =
    inverse * (1.0 / 12 + inverseSquared * (-1.0 / 360 + inverseSquared * (1.0 / 1260 + inverseSquared * (-1.0 / 1680 + inverseSquared * (1.0 / 1188)))));
  return (x - 0.5) * Math.log(x) - x + series;
}

/** lgamma(p1) + lgamma(p2) - lgamma(m1) - lgamma(m2), all arguments > 0. */
export function lgammaBalance(p1: f64, p2: f64, m1: f64, m2: f64): f64 {
  let dividedBy: f64 = 1; // shift products of the added terms: lgamma(x) = stirling(x + s) - log(product)
  let multipliedBy: f64 = 1; // and of the subtracted ones
  while (p1 < STIRLING_FROM) { dividedBy *= p1; p1 += 1; }
  while (p2 < STIRLING_FROM) { dividedBy *= p2; p2 += 1; }
  while (m1 < STIRLING_FROM) { multipliedBy *= m1; m1 += 1; }
  while (m2 < STIRLING_FROM) { multipliedBy *= m2; m2 += 1; }
  return stirling(p1) + stirling(p2) - stirling(m1) - stirling(m2) + Math.log(multipliedBy / dividedBy);
}
