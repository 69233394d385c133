// What a local autoregressive pixel network reads about pixel t's already coded neighbourhood: its
// context, written as network inputs. Two kinds:
//
// - window: the causal window's values / maxValue, 0 outside the image (the shipped MNIST models;
//   written by assembly/pixel-loop.ts's gatherInputs, all lanes at once);
// - predictive (here): the classical prediction first. The base prediction is LOCO-I's MED predictor,
//   median(W, N, W + N - NW), on integers. The local activity a = |W - NW| + |N - NW| + |N - NE|
//   (/ maxValue) sets the pixel's scale s = a + 2 / maxValue. The inputs are every window
//   neighbour's difference from the base in units of s (0 outside the image; clamped to +-L units
//   when the model sets a difference limit L, since beside a blank neighbourhood a stroke two
//   pixels away is 127 units off, an input no network trains well on), then a, the base
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
function medianPrediction(w: i32, n: i32, nw: i32): i32 {
  const high = max<i32>(w, n);
  const low = min<i32>(w, n);
  return nw >= high ? low : nw <= low ? high : w + n - nw;
}

/** Where predictiveContexts reads and writes: the strides of its lanes (images) through values, inputs and transforms. */
@unmanaged
export class ContextLayout {
  /** u32 values: pixel p of lane l at values + (p * pixelStride + l * laneStride) * 4. */
  values: usize;
  pixelStride: u32;
  laneStride: u32;
  lanes: u32;
  /** f32 inputs: input i of lane l at inputs + i * columnStride + l * inputLaneStride. */
  inputs: usize;
  columnStride: usize;
  inputLaneStride: usize;
  /** TRANSFORM_VALUES f32 of lane l at transforms + l * transformLaneStride. */
  transforms: usize;
  transformLaneStride: usize;
  /** Scratch of 12 bytes a lane: each lane's base (i32), then the inverse of its unit (f64). */
  scratch: usize;
  /** The differences are clamped to +-this many units (0: not clamped). */
  differenceLimit: f64;
}

/** Lane 0's value of pixel (y, x). */
@inline
function addressOf(layout: ContextLayout, width: u32, y: i32, x: i32): usize {
  return layout.values + ((<usize>(<u32>y * width + <u32>x) * layout.pixelStride) << 2);
}

/**
 * Writes pixel (y, x)'s predictive context and output transform for every lane of `layout`,
 * every pixel before (y, x) in raster order known. `offsets` holds the window's (dy, dx) i32
 * pairs. The lanes go one neighbour at a time, its address and whether it is inside the image
 * being the same for all of them.
 */
export function predictiveContexts(
  layout: ContextLayout, height: u32, width: u32, maxValue: u32, offsets: usize, neighbours: u32, y: i32, x: i32,
): void {
  const inverse = 1.0 / <f64>maxValue;
  const lanes = layout.lanes;
  const laneBytes = <usize>layout.laneStride << 2;
  const hasN = y > 0;
  const hasW = x > 0;
  // The predictor's neighbours by the border rule, as addresses (0: the value 0).
  const nAt: usize = hasN ? addressOf(layout, width, y - 1, x) : hasW ? addressOf(layout, width, y, x - 1) : 0;
  const wAt: usize = hasW ? addressOf(layout, width, y, x - 1) : nAt;
  const nwAt: usize = hasN && hasW ? addressOf(layout, width, y - 1, x - 1) : hasN ? nAt : wAt;
  const neAt: usize = hasN && <u32>(x + 1) < width ? addressOf(layout, width, y - 1, x + 1) : nAt;
  const bases = layout.scratch;
  const units = layout.scratch + (<usize>lanes << 2);
  const extra = layout.inputs + <usize>neighbours * layout.columnStride;
  const top: f32 = y == 0 ? 1 : 0;
  const left: f32 = x == 0 ? 1 : 0;
  const right: f32 = <u32>(x + 1) == width ? 1 : 0;
  const limit = layout.differenceLimit;
  const lowest = f64x2.splat(-limit);
  const highest = f64x2.splat(limit);
  const packed = laneBytes == 4 && layout.inputLaneStride == 4;
  for (let lane: u32 = 0; lane < lanes; lane++) {
    const from = <usize>lane * laneBytes;
    const n: i32 = nAt ? <i32>load<u32>(nAt + from) : 0;
    const w: i32 = wAt ? <i32>load<u32>(wAt + from) : 0;
    const nw: i32 = nwAt ? <i32>load<u32>(nwAt + from) : 0;
    const ne: i32 = neAt ? <i32>load<u32>(neAt + from) : 0;
    const base = medianPrediction(w, n, nw);
    const activity = abs<i32>(w - nw) + abs<i32>(n - nw) + abs<i32>(n - ne);
    const scale = (<f64>activity + SCALE_FLOOR) * inverse;
    store<i32>(bases + (<usize>lane << 2), base);
    store<f64>(units + (<usize>lane << 3), 1.0 / (<f64>activity + SCALE_FLOOR));
    const transform = layout.transforms + <usize>lane * layout.transformLaneStride;
    store<f32>(transform, <f32>(<f64>base * inverse));
    store<f32>(transform, <f32>scale, 4);
    store<f32>(transform, <f32>Math.log(scale), 8);
    const out = extra + <usize>lane * layout.inputLaneStride;
    store<f32>(out, <f32>(<f64>activity * inverse));
    store<f32>(out + layout.columnStride, <f32>(<f64>base * inverse));
    store<f32>(out + 2 * layout.columnStride, top);
    store<f32>(out + 3 * layout.columnStride, left);
    store<f32>(out + 4 * layout.columnStride, right);
  }
  for (let j: u32 = 0; j < neighbours; j++) {
    const yy = y + load<i32>(offsets + (<usize>j << 3));
    const xx = x + load<i32>(offsets + (<usize>j << 3), 4);
    const column = layout.inputs + <usize>j * layout.columnStride;
    if (yy < 0 || xx < 0 || xx >= <i32>width || yy >= <i32>height) {
      for (let lane: u32 = 0; lane < lanes; lane++) store<f32>(column + <usize>lane * layout.inputLaneStride, 0);
      continue;
    }
    const source = addressOf(layout, width, yy, xx);
    let lane: u32 = 0;
    // The coder's lanes lie side by side: four at a time, the same f64 products, clamps and f32
    // roundings as one at a time (f64x2 mul, min and max and the demotion are the scalar operations
    // lane by lane).
    if (packed) {
      for (; lane + 4 <= lanes; lane += 4) {
        const difference = i32x4.sub(v128.load(source + (<usize>lane << 2)), v128.load(bases + (<usize>lane << 2)));
        let low = f64x2.mul(f64x2.convert_low_i32x4_s(difference), v128.load(units + (<usize>lane << 3)));
        let high = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(difference, difference, 2, 3, 0, 1)), v128.load(units + (<usize>lane << 3), 16));
        if (limit > 0) {
          low = f64x2.min(f64x2.max(low, lowest), highest);
          high = f64x2.min(f64x2.max(high, lowest), highest);
        }
        v128.store(column + (<usize>lane << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5));
      }
    }
    for (; lane < lanes; lane++) {
      const difference = <i32>load<u32>(source + <usize>lane * laneBytes) - load<i32>(bases + (<usize>lane << 2));
      let scaled = <f64>difference * load<f64>(units + (<usize>lane << 3));
      if (limit > 0) scaled = min<f64>(max<f64>(scaled, -limit), limit);
      store<f32>(column + <usize>lane * layout.inputLaneStride, <f32>scaled);
    }
  }
}

/**
 * Training's inputs: the predictive context of every pixel of `count` images (values u32
 * [image][pixel]) as rows of a [count * pixels][neighbours + PREDICTIVE_EXTRA] f32 matrix at `out`,
 * and the output transforms as rows of [count * pixels][TRANSFORM_VALUES] at `transforms`.
 */
export function predictive_context(
  height: u32, width: u32, maxValue: u32, offsets: usize, neighbours: u32, differenceLimit: f64, images: usize, count: u32, out: usize, transforms: usize,
): void {
  const pixels = height * width;
  const columns = neighbours + PREDICTIVE_EXTRA;
  const layout = changetype<ContextLayout>(heap.alloc(offsetof<ContextLayout>()));
  layout.values = images;
  layout.pixelStride = 1;
  layout.laneStride = pixels;
  layout.lanes = count;
  layout.columnStride = 4;
  layout.inputLaneStride = <usize>pixels * columns << 2;
  layout.transformLaneStride = <usize>pixels * TRANSFORM_VALUES << 2;
  layout.scratch = heap.alloc(<usize>count * 12);
  layout.differenceLimit = differenceLimit;
  for (let t: u32 = 0; t < pixels; t++) {
    layout.inputs = out + (<usize>t * columns << 2);
    layout.transforms = transforms + (<usize>t * TRANSFORM_VALUES << 2);
    predictiveContexts(layout, height, width, maxValue, offsets, neighbours, <i32>(t / width), <i32>(t % width));
  }
  heap.free(layout.scratch);
  heap.free(changetype<usize>(layout));
}
