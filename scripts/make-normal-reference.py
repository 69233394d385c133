#!/usr/bin/python3
"""Write test/fixtures/normal-reference.json: high-precision reference values of erfc(x),
Phi(x) (ndtr) and Phi^-1(p) (ndtri) for test/math.test.ts.

Run with Debian's python (apt-get install python3-mpmath python3-scipy):

    /usr/bin/python3 scripts/make-normal-reference.py

Inputs are stored as JSON numbers (each one is exactly the double the test feeds in: Python's
repr round-trips and so does JavaScript's parser); references are decimal strings with 20
significant digits, computed by mpmath at 50 digits from the exact double input. The point set is
deterministic (fixed seed), covering the central range, both tails (x down to -38.6 where Phi
becomes subnormal and then 0, p down to the smallest subnormal), tiny |x| and the neighbourhoods
of the piece boundaries of assembly/math.ts. scipy.special is used only as a coarse sanity check
of the references: its ndtr evaluates erfc(-x/sqrt 2), whose rounding of x/sqrt 2 costs up to
~1e-13 relative in the far tail, so only disagreements beyond 1e-12 are treated as a bug here.
"""

import json
import math
import os
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 50
DIGITS = 20
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'normal-reference.json')

rng = np.random.default_rng(20240229)


def short(v):
    """A double close to v with a short decimal representation (10 significant digits)."""
    return float('%.10g' % v)


def jittered(lo, hi, n):
    """n points, one uniformly placed in each of n equal cells of [lo, hi]."""
    edges = np.linspace(lo, hi, n + 1)
    return [short(a + (b - a) * u) for a, b, u in zip(edges[:-1], edges[1:], rng.uniform(size=n))]


def around(b, k=3):
    """b and its k neighbouring doubles on each side."""
    out = [b]
    lo = hi = b
    for _ in range(k):
        lo = math.nextafter(lo, -math.inf)
        hi = math.nextafter(hi, math.inf)
        out += [lo, hi]
    return out


def ref_string(v):
    if v == 0:
        return '0'
    return mp.nstr(v, DIGITS, strip_zeros=False, min_fixed=-1, max_fixed=1)


def inverse_ncdf(p):
    """Phi^-1(p) for 0 < p < 1 by Newton's method on log Phi (converges in a few steps)."""
    p = mp.mpf(p)
    if p > 0.5:
        return -inverse_ncdf(1 - p)  # 1 - p is exact here (mpf has ample precision)
    if p == 0.5:
        return mp.mpf(0)
    x = -mp.sqrt(-2 * mp.log(p))  # below the root; Newton on the concave log Phi stays below
    target = mp.log(p)
    for _ in range(200):
        step = (mp.log(mp.ncdf(x)) - target) * mp.ncdf(x) / mp.npdf(x)
        x -= step
        if abs(step) < mp.mpf(10) ** -45 * max(1, abs(x)):
            break
    else:
        raise RuntimeError('no convergence at p = %r' % p)
    return x


def unique_sorted(xs):
    return sorted(set(float(x) for x in xs))


# Piece boundaries of assembly/math.ts (|x| for ndtr/erfc, p for ndtri).
NDTR_BOUNDS = [0.671875, 2.0, 4.0, 5.65625, math.sqrt(1360.0), 39.0]
ERFC_BOUNDS = [0.46875, 1.0, 2.0, 4.0, math.sqrt(680.0), 27.5]
NDTRI_BOUNDS = [0.0750000000000007, 0.9249999999999993, math.exp(-25.0), 1 - math.exp(-25.0), 0.5]


def ndtr_points():
    xs = jittered(-38.6, 9.0, 1300)
    xs += jittered(-6.0, 6.0, 300)
    xs += [s * 10.0 ** -k for k in range(1, 301, 12) for s in (1, -1)]
    xs += jittered(-38.7, -37.3, 40)  # results go subnormal and then 0
    for b in NDTR_BOUNDS:
        for s in (1, -1):
            xs += around(s * b, 2)
    xs += [0.0, 8.3, 8.5, 9.0, 10.0, 40.0, -40.0]
    return unique_sorted(xs)


def erfc_points():
    xs = jittered(-6.5, 27.6, 1100)
    xs += jittered(-1.0, 1.0, 200)
    xs += [s * 10.0 ** -k for k in range(1, 301, 12) for s in (1, -1)]
    xs += jittered(26.4, 27.4, 30)
    for b in ERFC_BOUNDS:
        for s in (1, -1):
            xs += around(s * b, 2)
    xs += [0.0, 6.0, -6.0, 28.0]
    return unique_sorted(xs)


def ndtri_points():
    ps = [short(10.0 ** -u) for u in jittered(0.31, 307.0, 600)]
    ps += jittered(0.0005, 0.9995, 900)
    ps += [1.0 - short(10.0 ** -u) for u in jittered(0.31, 15.9, 200)]
    ps += [i / 65536 for i in range(1, 65536, 257)]
    ps += [1 / 65536, 65535 / 65536, 0.5 / 65536, 65535.5 / 65536]
    ps += [5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10]
    ps += [1 - 2.0 ** -53, 1 - 2.0 ** -52, 1 - 1e-15, 2.0 ** -1074]
    for b in NDTRI_BOUNDS:
        ps += around(b, 2)
    return unique_sorted(p for p in ps if 0 < p < 1)


def build():
    from scipy import special  # sanity check only

    out = {
        'description': 'Reference values for assembly/math.ts (erfc, ndtr = Phi, ndtri = Phi^-1). '
                       'Inputs are exact doubles; refs are mpmath values at 50 digits, rounded to '
                       '%d significant digits.' % DIGITS,
        'generator': 'scripts/make-normal-reference.py',
        'mpmath': mp.__version__,
    }
    worst = {}

    def record(name, key, inputs, fn, check):
        refs = []
        w = 0.0
        for v in inputs:
            r = fn(mp.mpf(v))
            refs.append(ref_string(r))
            c = float(check(v))
            if abs(r) > mp.mpf(1e-290) and math.isfinite(c):
                w = max(w, float(abs((mp.mpf(c) - r) / r)))
        out[name] = {key: inputs, 'ref': refs}
        worst[name] = w

    record('ndtr', 'x', ndtr_points(), mp.ncdf, special.ndtr)
    record('erfc', 'x', erfc_points(), mp.erfc, special.erfc)
    record('ndtri', 'p', ndtri_points(), inverse_ncdf, special.ndtri)
    for name, w in worst.items():
        print('%s: %d points, max relative difference to scipy.special %.2e'
              % (name, len(out[name]['ref']), w), file=sys.stderr)
        if w > 1e-12:
            raise SystemExit('reference disagrees with scipy for ' + name)
    return out


def main():
    data = build()
    text = json.dumps(data, separators=(',', ':'))
    # one line per array keeps diffs readable without bloating the file
    text = text.replace(',"ndtr":', ',\n"ndtr":').replace(',"erfc":', ',\n"erfc":') \
               .replace(',"ndtri":', ',\n"ndtri":').replace(',"ref":', ',\n"ref":')
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        f.write(text + '\n')
    print('wrote %s (%d bytes)' % (os.path.normpath(OUT), len(text) + 1), file=sys.stderr)


if __name__ == '__main__':
    main()
