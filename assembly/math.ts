// Deterministic normal-distribution math: erfc, Phi (ndtr) and Phi^-1 (ndtri).
//
// Everything here is plain f64 arithmetic plus AssemblyScript's own Math (NativeMath: exp and
// log are implemented in AssemblyScript, sqrt/floor are wasm instructions), so the results are
// bit-identical in every engine. Never replace these with JS Math.
//
// Sources of the approximations (the coefficients are the published ones; the code is ours):
//  - erfc / Phi: W. J. Cody, "Rational Chebyshev approximations for the error function",
//    Math. Comp. 23 (1969) 631-637, in the three-interval form of his later SPECFUN package
//    (erf on |y| < 0.46875, exp(y^2) erfc(y) on [0.46875, 4], and an asymptotic form in 1/y^2
//    beyond 4).
//  - Phi^-1: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal
//    distribution", Applied Statistics 37 (1988) 477-484 (PPND16).
//
// Monotonicity. ndtr must never decrease and ndtri must never decrease, also between
// neighbouring doubles. A rational approximation evaluated in floating point is not monotone
// by itself: where the function moves by less than an ulp per input step, rounding noise of an
// ulp or two can make it dip. Where that can happen, the argument is first rounded to a fixed
// grid (see quantise below) that is coarse enough for the function to move by several ulps
// between neighbouring grid points, more than twice the evaluation error. The result is then a
// non-decreasing step function of the input, and the piece boundaries are placed on grid
// points. The grid costs at most a few 1e-15 of accuracy (well inside the 1e-14 budget).
// Elsewhere (larger |x|) the function already moves by many ulps per input ulp.

// ---------------------------------------------------------------------------------------------
// Constants

const INV_SQRT2: f64 = 0.70710678118654752440; // 1/sqrt(2)
const INV_SQRTPI: f64 = 0.56418958354775628695; // 1/sqrt(pi)
// ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (LN2_HI has 32 significant bits).
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700;

// Cody: erf(y) = y * P(t) / Q(t), t = y^2, |y| < 0.46875.
const EA0: f64 = 3.20937758913846947e03;
const EA1: f64 = 3.77485237685302021e02;
const EA2: f64 = 1.13864154151050156e02;
const EA3: f64 = 3.16112374387056560e00;
const EA4: f64 = 1.85777706184603153e-1;
const EB0: f64 = 2.84423683343917062e03;
const EB1: f64 = 1.28261652607737228e03;
const EB2: f64 = 2.44024637934444173e02;
const EB3: f64 = 2.36012909523441209e01;

// Cody: exp(y^2) erfc(y) = P(y) / Q(y), 0.46875 <= y <= 4.
const EC0: f64 = 1.23033935479799725e03;
const EC1: f64 = 2.05107837782607147e03;
const EC2: f64 = 1.71204761263407058e03;
const EC3: f64 = 8.81952221241769090e02;
const EC4: f64 = 2.98635138197400131e02;
const EC5: f64 = 6.61191906371416295e01;
const EC6: f64 = 8.88314979438837594e00;
const EC7: f64 = 5.64188496988670089e-1;
const EC8: f64 = 2.15311535474403846e-8;
const ED0: f64 = 1.23033935480374942e03;
const ED1: f64 = 3.43936767414372164e03;
const ED2: f64 = 4.36261909014324716e03;
const ED3: f64 = 3.29079923573345963e03;
const ED4: f64 = 1.62138957456669019e03;
const ED5: f64 = 5.37181101862009858e02;
const ED6: f64 = 1.17693950891312499e02;
const ED7: f64 = 1.57449261107098347e01;

// Cody: y exp(y^2) erfc(y) = 1/sqrt(pi) - z P(z) / Q(z), z = 1/y^2, y > 4.
const EP0: f64 = 6.58749161529837803e-4;
const EP1: f64 = 1.60837851487422766e-2;
const EP2: f64 = 1.25781726111229246e-1;
const EP3: f64 = 3.60344899949804439e-1;
const EP4: f64 = 3.05326634961232344e-1;
const EP5: f64 = 1.63153871373020978e-2;
const EQ0: f64 = 2.33520497626869185e-3;
const EQ1: f64 = 6.05183413124413191e-2;
const EQ2: f64 = 5.27905102951428412e-1;
const EQ3: f64 = 1.87295284992346047e00;
const EQ4: f64 = 2.56852019228982242e00;

// Wichura AS 241 (PPND16).
// Central: x = q * A(r) / B(r), r = 0.180625 - q^2, |q| <= 0.425.
const WA0: f64 = 3.3871328727963666080e0;
const WA1: f64 = 1.3314166789178437745e2;
const WA2: f64 = 1.9715909503065514427e3;
const WA3: f64 = 1.3731693765509461125e4;
const WA4: f64 = 4.5921953931549871457e4;
const WA5: f64 = 6.7265770927008700853e4;
const WA6: f64 = 3.3430575583588128105e4;
const WA7: f64 = 2.5090809287301226727e3;
const WB1: f64 = 4.2313330701600911252e1;
const WB2: f64 = 6.8718700749205790830e2;
const WB3: f64 = 5.3941960214247511077e3;
const WB4: f64 = 2.1213794301586595867e4;
const WB5: f64 = 3.9307895800092710610e4;
const WB6: f64 = 2.8729085735721942674e4;
const WB7: f64 = 5.2264952788528545610e3;
// Intermediate tail: |x| = C(u) / D(u), u = r - 1.6, r = sqrt(-log(min(p, 1-p))) <= 5.
const WC0: f64 = 1.42343711074968357734e0;
const WC1: f64 = 4.63033784615654529590e0;
const WC2: f64 = 5.76949722146069140550e0;
const WC3: f64 = 3.64784832476320460504e0;
const WC4: f64 = 1.27045825245236838258e0;
const WC5: f64 = 2.41780725177450611770e-1;
const WC6: f64 = 2.27238449892691845833e-2;
const WC7: f64 = 7.74545014278341407640e-4;
const WD1: f64 = 2.05319162663775882187e0;
const WD2: f64 = 1.67638483018380384940e0;
const WD3: f64 = 6.89767334985100004550e-1;
const WD4: f64 = 1.48103976427480074590e-1;
const WD5: f64 = 1.51986665636164571966e-2;
const WD6: f64 = 5.47593808499534494600e-4;
const WD7: f64 = 1.05075007164441684324e-9;
// Far tail: |x| = E(u) / F(u), u = r - 5, r > 5.
const WE0: f64 = 6.65790464350110377720e0;
const WE1: f64 = 5.46378491116411436990e0;
const WE2: f64 = 1.78482653991729133580e0;
const WE3: f64 = 2.96560571828504891230e-1;
const WE4: f64 = 2.65321895265761230930e-2;
const WE5: f64 = 1.24266094738807843860e-3;
const WE6: f64 = 2.71155556874348757815e-5;
const WE7: f64 = 2.01033439929228813265e-7;
const WF1: f64 = 5.99832206555887937690e-1;
const WF2: f64 = 1.36929880922735805310e-1;
const WF3: f64 = 1.48753612908506148525e-2;
const WF4: f64 = 7.86869131145613259100e-4;
const WF5: f64 = 1.84631831751005468180e-5;
const WF6: f64 = 1.42151175831644588870e-7;
const WF7: f64 = 2.04426310338993978564e-15;

// ---------------------------------------------------------------------------------------------
// Piece boundaries (those inside a quantised range are points of its grid).

/** erf / erfc: Cody's switch from the erf form to the exp(y^2) erfc(y) form. */
const Y_SMALL: f64 = 0.46875;
/** erfc: beyond this erfc(y) < 2^-1075 (rounds to 0) and erfc(-y) rounds to 2. */
const Y_ZERO: f64 = 27.5;
/** ndtr: |x| below this is quantised (to multiples of 2^-48 below 2, of 2^-49 above). */
const A_QUANT: f64 = 4.0;
/** ndtr: central piece for |x| < A_MID (y = |x|/sqrt 2 = 0.4751, inside Cody's erf range). */
const A_MID: f64 = 0.671875;
/** ndtr: asymptotic piece for |x| >= A_TAIL (y = 3.99958, 1e-4 inside Cody's 4). */
const A_TAIL: f64 = 5.65625;
/** ndtr: Phi(-a) < 2^-1075 for a >= A_ZERO (it already is for a > 38.48). */
const A_ZERO: f64 = 39.0;
/** Beyond this exp(-c) is formed with our own 2^-k scaling so no partial product underflows. */
const C_SCALE: f64 = 680.0;

/**
 * ndtri: central piece for P_LO <= p <= P_HI (AS 241 switches at |p - 0.5| = 0.425). The two
 * boundaries are the doubles nearest 0.075 and 0.925 at which the (quantised) central and tail
 * pieces give the very same x, so ndtri does not step back when it changes piece. Found by
 * scanning the neighbourhood; the test re-checks them.
 */
const P_LO: f64 = 0.0750000000000007;
const P_HI: f64 = 0.9249999999999993;

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Round x (0 <= |x| < 2^51 * step) to the nearest multiple of step = ulp(shift). Adding and
 * removing a large constant is exact apart from that one rounding, and rounding is monotone, so
 * the result is a non-decreasing function of x.
 */
// @ts-ignore: decorator
@inline
function quantise(x: f64, shift: f64): f64 {
  return (x + shift) - shift;
}

/** 2^-k for 0 <= k <= 1074, exactly. */
// @ts-ignore: decorator
@inline
function pow2neg(k: i32): f64 {
  return k <= 1022
    ? reinterpret<f64>(<u64>(1023 - k) << 52)
    : reinterpret<f64>(<u64>1 << <u64>(1074 - k));
}

/**
 * exp(-k a^2) g for a >= 0 and k = 1 or 1/2, without magnifying the rounding error of a^2: the
 * square is formed exactly as hi + lo (Dekker), and exp(-k hi) exp(-k lo) = e - e k lo to well
 * below an ulp since |lo| <= ulp(hi) / 2.
 * Where the result nears underflow (k a^2 >= C_SCALE) it is exp(-c) exp(-d) g instead, with
 * c = k s^2 exact for s = a rounded down to 1/256 and d = k (a - s)(a + s) small, and the power
 * of two is taken out of exp(-c) by hand (exact reduction with ln 2 in two parts) and applied
 * last: the only rounding into the subnormal range is then the final one.
 */
function expNegSquare(a: f64, k: f64, g: f64): f64 {
  const hi = a * a;
  if (hi * k < C_SCALE) {
    const t = a * 134217729.0; // 2^27 + 1: Veltkamp split of a into 26 + 27 bits
    const ah = t - (t - a);
    const al = a - ah;
    const lo = ((ah * ah - hi) + 2.0 * ah * al) + al * al; // a^2 = hi + lo exactly
    const e = Math.exp(-hi * k);
    return (e - e * (lo * k)) * g;
  }
  const s = Math.floor(a * 256.0) * 0.00390625;
  const c = k * (s * s); // exact: s^2 is a multiple of 2^-16 below 2^11
  const d = k * ((a - s) * (a + s));
  const n = <i32>(c * INV_LN2 + 0.5);
  const nf = <f64>n;
  // nf * LN2_HI is exact and so is its difference with c (both are multiples of 2^-32 below
  // 2^11, c being a multiple of 2^-17); the small nf * LN2_LO carries the rest of ln 2.
  const arg = (nf * LN2_HI - c) + nf * LN2_LO;
  const v = Math.exp(arg) * Math.exp(-d) * g; // about 2^n exp(-c - d) g, a normal number
  return (v * pow2neg(512)) * pow2neg(n - 512); // first step exact, second rounds once
}

/** erf(y) / y for |y| < Y_SMALL (Cody), as a function of t = y^2. */
// @ts-ignore: decorator
@inline
function erfSmallRatio(t: f64): f64 {
  const num = (((EA4 * t + EA3) * t + EA2) * t + EA1) * t + EA0;
  const den = (((t + EB3) * t + EB2) * t + EB1) * t + EB0;
  return num / den;
}

/** exp(y^2) erfc(y) for Y_SMALL <= y <= 4 (Cody). */
// @ts-ignore: decorator
@inline
function erfcxMid(y: f64): f64 {
  const num = (((((((EC8 * y + EC7) * y + EC6) * y + EC5) * y + EC4) * y + EC3) * y + EC2) * y + EC1) * y + EC0;
  const den = (((((((y + ED7) * y + ED6) * y + ED5) * y + ED4) * y + ED3) * y + ED2) * y + ED1) * y + ED0;
  return num / den;
}

/** exp(y^2) erfc(y) for y >= 4 (Cody). */
// @ts-ignore: decorator
@inline
function erfcxTail(y: f64): f64 {
  const z = 1.0 / (y * y);
  const num = ((((EP5 * z + EP4) * z + EP3) * z + EP2) * z + EP1) * z + EP0;
  const den = ((((z + EQ4) * z + EQ3) * z + EQ2) * z + EQ1) * z + EQ0;
  return (INV_SQRTPI - z * (num / den)) / y;
}

/** erfc(y) for y >= Y_SMALL. */
function erfcPositive(y: f64): f64 {
  if (y >= Y_ZERO) return 0.0;
  const g = y <= 4.0 ? erfcxMid(y) : erfcxTail(y);
  return expNegSquare(y, 1.0, g);
}

/** Phi(-a) for a >= A_MID (a is already quantised where that applies). */
function lowerTail(a: f64): f64 {
  if (a >= A_ZERO) return 0.0;
  const y = a * INV_SQRT2;
  const g = a < A_TAIL ? erfcxMid(y) : erfcxTail(y); // exp(y^2) erfc(y)
  // Phi(-a) = erfc(y) / 2 = exp(-a^2/2) g / 2, with the exponential taken on a itself (y^2 would
  // put the rounding error of y into the exponent).
  return expNegSquare(a, 0.5, 0.5 * g);
}

// ---------------------------------------------------------------------------------------------
// Public functions

/** Complementary error function erfc(x) = 1 - erf(x); non-increasing over all doubles. */
export function erfc(x: f64): f64 {
  if (x != x) return x;
  let y = Math.abs(x);
  // Quantised like ndtr (see there): |x| to 2^-48 below 1, 2^-49 on [1, 2), 2^-50 on [2, 4), on
  // which erfc moves by >= 3.9e-15 relative per grid step (and per ulp of |x| from 4 on).
  if (y < 4.0) y = y < 1.0 ? quantise(y, 16.0) : y < 2.0 ? quantise(y, 8.0) : quantise(y, 4.0);
  if (y < Y_SMALL) {
    const e = y * erfSmallRatio(y * y); // erf(|x|)
    return x < 0.0 ? 1.0 + e : 1.0 - e;
  }
  const r = erfcPositive(y);
  return x < 0.0 ? 2.0 - r : r;
}

/** Standard normal CDF Phi(x), non-decreasing over all doubles. */
export function ndtr(x: f64): f64 {
  if (x != x) return x;
  let a = Math.abs(x);
  // Below A_QUANT the CDF moves by only about an ulp per input ulp, so |x| is rounded to 2^-48
  // below 2 and to 2^-49 on [2, 4) (the ulps of [16, 32) and [8, 16)). Between neighbouring grid
  // points Phi(-|x|) then moves by >= 2.8e-15 relative in the central piece and >= 3.7e-15 in
  // the others (hazard * step; the same holds per ulp of |x| from 4 on), more than twice the
  // evaluation error (measured < 4e-16 and < 8e-16 relative).
  if (a < A_QUANT) a = a < 2.0 ? quantise(a, 16.0) : quantise(a, 8.0);
  if (a < A_MID) {
    const y = a * INV_SQRT2;
    const h = 0.5 * (y * erfSmallRatio(y * y)); // (Phi(a) - Phi(-a)) / 2
    return x < 0.0 ? 0.5 - h : 0.5 + h;
  }
  const t = lowerTail(a);
  return x < 0.0 ? t : 1.0 - t;
}

/** -Phi^-1(pp) = |x| for 0 < pp < P_LO (the tail pieces of AS 241). */
function tailQuantile(pp: f64): f64 {
  let r = Math.sqrt(-Math.log(pp));
  // |x| moves by about an ulp per ulp of r (and less per step of pp), so r is rounded to 48
  // significant bits: to multiples of 2^(e-47) for r in [2^e, 2^(e+1)), the ulp of 32 * 2^e.
  // |x| then moves by >= 3.5e-15 relative per grid step, more than twice the evaluation error.
  // 5, the piece boundary, is a grid point.
  const c = reinterpret<f64>(reinterpret<u64>(r) & 0x7FF0000000000000) * 32.0;
  r = quantise(r, c);
  if (r <= 5.0) {
    const u = r - 1.6;
    const num = ((((((WC7 * u + WC6) * u + WC5) * u + WC4) * u + WC3) * u + WC2) * u + WC1) * u + WC0;
    const den = ((((((WD7 * u + WD6) * u + WD5) * u + WD4) * u + WD3) * u + WD2) * u + WD1) * u + 1.0;
    return num / den;
  }
  const u = r - 5.0;
  const num = ((((((WE7 * u + WE6) * u + WE5) * u + WE4) * u + WE3) * u + WE2) * u + WE1) * u + WE0;
  const den = ((((((WF7 * u + WF6) * u + WF5) * u + WF4) * u + WF3) * u + WF2) * u + WF1) * u + 1.0;
  return num / den;
}

/** Inverse of the standard normal CDF, Phi^-1(p); non-decreasing on [0, 1]. */
export function ndtri(p: f64): f64 {
  if (!(p >= 0.0 && p <= 1.0)) return NaN; // also NaN
  if (p == 0.0) return -Infinity;
  if (p == 1.0) return Infinity;
  if (p < P_LO) return -tailQuantile(p);
  if (p > P_HI) return tailQuantile(1.0 - p); // 1 - p is exact for p >= 1/2
  // x = q R(r) with R = x / q increasing in |q|. r is rounded to 2^-48 (ulp of [16, 32)), on
  // which R moves by >= 3.7e-15 relative per grid step, more than twice its evaluation error;
  // then R(r) is a non-decreasing function of |q| and so is the product with |q|, without
  // giving up relative accuracy near p = 1/2.
  const q = p - 0.5;
  const r = quantise(0.180625 - q * q, 16.0);
  const num = ((((((WA7 * r + WA6) * r + WA5) * r + WA4) * r + WA3) * r + WA2) * r + WA1) * r + WA0;
  const den = ((((((WB7 * r + WB6) * r + WB5) * r + WB4) * r + WB3) * r + WB2) * r + WB1) * r + 1.0;
  return q * (num / den);
}

// ---------------------------------------------------------------------------------------------
// Array entry points: out[i] = f(in[i]) for n f64 values in linear memory (in may equal out).

export function erfc_array(inPtr: usize, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(outPtr + off, erfc(load<f64>(inPtr + off)));
  }
}

export function ndtr_array(inPtr: usize, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(outPtr + off, ndtr(load<f64>(inPtr + off)));
  }
}

export function ndtri_array(inPtr: usize, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(outPtr + off, ndtri(load<f64>(inPtr + off)));
  }
}
