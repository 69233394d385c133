// What a local autoregressive pixel network reads about pixel t's already coded neighbourhood: its
// context, written as network inputs. Two kinds:
//
// - window: the causal window's values / maxValue, 0 outside the image (the shipped MNIST models;
//   written by assembly/autoregressive.ts's gatherInputs, all lanes at once);
// - predictive (here): the classical prediction first. The base prediction is LOCO-I's MED predictor,
//   median(W, N, W + N - NW), on integers. The local activity a = |W - NW| + |N - NW| + |N - NE|
//   (/ maxValue) sets the pixel's scale s = a + 2 / maxValue. The inputs are every window
//   neighbour's difference from the base in units of s (0 outside the image), then a, the base
//   (/ maxValue) and three border flags (top row, left column, right column). The network's
//   mixture means are base + s * (its outputs) and its log scales log s + (its outputs), so what
//   it learns holds at every brightness and contrast, and it starts from what a classical
//   predictor knows (LOCO-I and CALIC, too, pick their statistics by such an activity).
//
// Border rule for the predictor's W, N, NW, NE (JPEG-LS-like): a missing N is W, a missing W is
// N, a missing NW is N (or W on the top row), a missing NE is N; the first pixel's are all 0.
//
// One function serves the coder (values [pixel][lane], one lane at a time) and training (values
// [image][pixel], every pixel of a batch), so both read the same inputs to the bit.

export const CONTEXT_WINDOW: u32 = 0;
export const CONTEXT_PREDICTIVE: u32 = 1;
/** Inputs the predictive context has besides the neighbours' differences: activity, base, three flags. */
export const PREDICTIVE_EXTRA: u32 = 5;
/** The output transform of one pixel: base / maxValue, the scale s and log s, f32 each. */
export const TRANSFORM_VALUES: u32 = 3;
/** The scale's floor, in pixel levels: a flat neighbourhood still leaves a pixel's own noise. */
const SCALE_FLOOR: f64 = 2;

/** Network inputs a context of `kind` writes for a window of `neighbours`. */
export function contextWidth(kind: u32, neighbours: u32): u32 {
  return kind == CONTEXT_PREDICTIVE ? neighbours + PREDICTIVE_EXTRA : neighbours;
}

@inline
function valueAt(values: usize, pixelStride: u32, width: u32, y: i32, x: i32): i32 {
  return <i32>load<u32>(values + ((<usize>(<u32>y * width + <u32>x) * pixelStride) << 2));
}

@inline
function medianPrediction(w: i32, n: i32, nw: i32): i32 {
  const high = max<i32>(w, n);
  const low = min<i32>(w, n);
  return nw >= high ? low : nw <= low ? high : w + n - nw;
}

/**
 * Writes pixel (y, x)'s predictive context, input i at out + i * columnStride, from `values` (u32,
 * pixel p of the image at values + p * pixelStride * 4, every pixel before (y, x) in raster order
 * known), and its output transform (TRANSFORM_VALUES f32) at `transform`. `offsets` holds the
 * window's (dy, dx) i32 pairs.
 */
export function predictiveContext(
  values: usize, pixelStride: u32, height: u32, width: u32, maxValue: u32,
  offsets: usize, neighbours: u32, y: i32, x: i32, out: usize, columnStride: usize, transform: usize,
): void {
  const inverse = 1.0 / <f64>maxValue;
  const hasN = y > 0;
  const hasW = x > 0;
  const n = hasN ? valueAt(values, pixelStride, width, y - 1, x) : hasW ? valueAt(values, pixelStride, width, y, x - 1) : 0;
  const w = hasW ? valueAt(values, pixelStride, width, y, x - 1) : n;
  const nw = hasN && hasW ? valueAt(values, pixelStride, width, y - 1, x - 1) : hasN ? n : w;
  const ne = hasN && <u32>(x + 1) < width ? valueAt(values, pixelStride, width, y - 1, x + 1) : n;
  const base = medianPrediction(w, n, nw);
  const activity = abs<i32>(w - nw) + abs<i32>(n - nw) + abs<i32>(n - ne);
  const scale = (<f64>activity + SCALE_FLOOR) * inverse;
  const inverseUnit = 1.0 / (<f64>activity + SCALE_FLOOR);
  store<f32>(transform, <f32>(<f64>base * inverse));
  store<f32>(transform, <f32>scale, 4);
  store<f32>(transform, <f32>Math.log(scale), 8);
  const extra = out + <usize>neighbours * columnStride;
  store<f32>(extra, <f32>(<f64>activity * inverse));
  store<f32>(extra + columnStride, <f32>(<f64>base * inverse));
  store<f32>(extra + 2 * columnStride, y == 0 ? 1 : 0);
  store<f32>(extra + 3 * columnStride, x == 0 ? 1 : 0);
  store<f32>(extra + 4 * columnStride, <u32>(x + 1) == width ? 1 : 0);
  for (let j: u32 = 0; j < neighbours; j++) {
    const yy = y + load<i32>(offsets + (<usize>j << 3));
    const xx = x + load<i32>(offsets + (<usize>j << 3), 4);
    const inside = yy >= 0 && xx >= 0 && xx < <i32>width && yy < <i32>height;
    store<f32>(out + <usize>j * columnStride, inside ? <f32>(<f64>(valueAt(values, pixelStride, width, yy, xx) - base) * inverseUnit) : 0);
  }
}

/**
 * Training's inputs: the predictive context of every pixel of `count` images (values u32
 * [image][pixel]) as rows of a [count * pixels][neighbours + PREDICTIVE_EXTRA] f32 matrix at `out`,
 * and the output transforms as rows of [count * pixels][TRANSFORM_VALUES] at `transforms`.
 */
export function predictive_context(
  height: u32, width: u32, maxValue: u32, offsets: usize, neighbours: u32, images: usize, count: u32, out: usize, transforms: usize,
): void {
  const pixels = height * width;
  const columns = neighbours + PREDICTIVE_EXTRA;
  let row = out;
  let transform = transforms;
  for (let image: u32 = 0; image < count; image++) {
    const values = images + ((<usize>image * pixels) << 2);
    for (let y: u32 = 0; y < height; y++) {
      for (let x: u32 = 0; x < width; x++) {
        predictiveContext(values, 1, height, width, maxValue, offsets, neighbours, <i32>y, <i32>x, row, 4, transform);
        row += <usize>columns << 2;
        transform += <usize>TRANSFORM_VALUES << 2;
      }
    }
  }
}
