// The local autoregressive pixel likelihood, fused with the coder: one call walks the pixels of a
// batch of images (one image per lane) in raster order, and for each pixel evaluates the pixel
// network for all lanes at once (assembly/pixel-model.ts), turns its outputs into each lane's
// quantised distribution (assembly/pixel-distribution.ts) and pushes or pops the lanes' symbols
// with the coder's own loops (assembly/coder.ts), one call per run of lanes of one message.
//
// Order: push walks the pixels backwards (t = P-1 .. 0, lanes 0 .. L-1), so pop, walking forwards
// (t = 0 .. P-1, lanes L-1 .. 0), decodes in raster order and has every neighbour of pixel t before
// it needs them. Both directions run the same arithmetic on the same inputs, so they agree to the
// bit; the per-lane result does not depend on how many lanes there are (each lane's sums run in the
// same order whatever the lane grouping).

import { Message } from './message';
import { EXHAUSTED, intervalsChecked, popChecked, pushChecked } from './coder';
import { CONTEXT_PREDICTIVE, ContextLayout, TRANSFORM_VALUES, contextWidth, predictiveContexts } from './pixel-context';
import { PixelModel, evaluate } from './pixel-model';
import { PixelDistribution, freePixelDistribution, pixelDistribution, pixelOutputs } from './pixel-distribution';

const MODE_PUSH: u32 = 0;
const MODE_POP: u32 = 1;
const MODE_INTERVALS: u32 = 2;
const MODE_LOG_PROBABILITIES: u32 = 3;

/**
 * Writes pixel t's network inputs for every lane: its context from `symbols` ([pixel][lanes]),
 * then features ([lanes][pixel][feature] as the decoder network gives them, or [lanes][feature]
 * when shared); a predictive context's output transforms go where `context` says.
 */
function gatherInputs(pm: PixelModel, t: u32, symbols: usize, features: usize, lanes: u32, computed: u32, input: usize, stride: usize, context: ContextLayout): void {
  const y = <i32>(t / pm.width);
  const x = <i32>(t % pm.width);
  const columns = contextWidth(pm.context, pm.neighbours);
  if (pm.context == CONTEXT_PREDICTIVE) {
    context.values = symbols;
    context.inputs = input;
    context.columnStride = stride;
    predictiveContexts(context, pm.height, pm.width, pm.maxValue, pm.offsets, pm.neighbours, y, x);
    for (let j: u32 = 0; j < columns; j++) memory.fill(input + <usize>j * stride + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  } else {
    gatherWindow(pm, y, x, symbols, lanes, computed, input, stride);
  }
  const laneStride = (<usize>(pm.sharedFeatures ? 1 : pm.height * pm.width) * pm.features) << 2;
  const fromFeatures = pm.sharedFeatures ? features : features + ((<usize>t * pm.features) << 2);
  for (let f: u32 = 0; f < pm.features; f++) {
    const row = input + <usize>(columns + f) * stride;
    let from = fromFeatures + (<usize>f << 2);
    for (let lane: u32 = 0; lane < lanes; lane++) {
      store<f32>(row + (<usize>lane << 2), load<f32>(from));
      from += laneStride;
    }
    memory.fill(row + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  }
}

/** The window context for every lane: the neighbours' values / maxValue, 0 outside the image. */
function gatherWindow(pm: PixelModel, y: i32, x: i32, symbols: usize, lanes: u32, computed: u32, input: usize, stride: usize): void {
  const scale = <f32>(1.0 / <f64>pm.maxValue);
  for (let j: u32 = 0; j < pm.neighbours; j++) {
    const yy = y + load<i32>(pm.offsets + (<usize>j << 3));
    const xx = x + load<i32>(pm.offsets + (<usize>j << 3), 4);
    const row = input + <usize>j * stride;
    if (yy < 0 || xx < 0 || xx >= <i32>pm.width) {
      memory.fill(row, 0, <usize>computed << 2);
      continue;
    }
    const from = symbols + ((<usize>(<u32>yy * pm.width + <u32>xx) * lanes) << 2);
    for (let lane: u32 = 0; lane < lanes; lane++) store<f32>(row + (<usize>lane << 2), <f32>load<u32>(from + (<usize>lane << 2)) * scale);
    memory.fill(row + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  }
}

/**
 * The lanes the network is evaluated for: `lanes`, or up to the next whole block of 16 when the
 * lanes past the last block are more than PAD_ABOVE, which the block path, computing padding
 * lanes of zeros too, does faster than that many lanes two at a time (measured: 12 lanes left
 * over). The lanes' own outputs are the same bits either way (see assembly/dense.ts).
 */
const PAD_ABOVE: u32 = 8;
function computedLanes(lanes: u32): u32 {
  return (lanes & 15) > PAD_ABOVE ? (lanes + 15) & ~15 : lanes;
}

/**
 * One pixel's distributions over a run of lanes, in the form the coder's loops take a
 * distribution (assembly/coder.ts): symbol i of a call is lane first + i, whose distribution is
 * set from the network's outputs when the coder asks for its interval. A walk allocates one. The
 * walk checks the symbols and each pixel's outputs itself (firstNonFinite), so the coder's checked
 * loops need nothing here to check them.
 */
@unmanaged
class PixelLanes {
  precision: u32;
  distribution: PixelDistribution;
  /** The pixel's network outputs, [output][lane] with rows `stride` bytes apart. */
  outputs: usize;
  stride: usize;
  /** With a predictive context: the lanes' output transforms (TRANSFORM_VALUES f32 a lane); 0 otherwise. */
  transforms: usize;
  /** The lane of the call's symbol 0. */
  first: u32;

  interval(i: u32, symbol: u32): u64 {
    return this.setLane(this.first + i).interval(symbol);
  }
  locate(i: u32, cf: u32): u64 {
    return this.setLane(this.first + i).locate(cf);
  }
  @inline get found(): u32 { return this.distribution.found; }
  log2Probability(i: u32, symbol: u32): f64 {
    return this.setLane(this.first + i).log2Probability(symbol);
  }

  @inline setLane(lane: u32): PixelDistribution {
    const transform = this.transforms ? this.transforms + <usize>lane * (TRANSFORM_VALUES << 2) : 0;
    this.distribution.set(this.outputs + (<usize>lane << 2), this.stride, transform);
    return this.distribution;
  }
}

/**
 * One entry of a push's or pop's run table: lanes first .. first + lanes - 1 of a message (a
 * batch that spans frames codes runs of several messages side by side). Each message appears
 * once, so each run has a tail of its own and its words land exactly where they would if the run
 * were coded alone.
 */
@unmanaged
class LaneRun {
  message: Message;
  first: u32;
  lanes: u32;
}

@inline
function runAt(table: usize, k: u32): LaneRun {
  return changetype<LaneRun>(table + <usize>k * offsetof<LaneRun>());
}

/** Checks the run table (runs inside their messages, no message twice); returns its lane count. */
function laneCountOf(table: usize, count: u32): u32 {
  let lanes: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const run = runAt(table, k);
    assert(run.lanes > 0 && <u64>run.first + run.lanes <= run.message.lanes, 'lane view outside the message');
    for (let j: u32 = 0; j < k; j++) assert(runAt(table, j).message != run.message, 'a message appears twice in one batch');
    lanes += run.lanes;
  }
  return lanes;
}

/**
 * The first of the pixel's `lanes` lanes with a NaN or infinite network output, or -1. Four lanes
 * at a time (x - x is 0 for a finite x, NaN otherwise), then lane by lane only when a group has
 * one: the lanes past `lanes` are padding, and may be anything.
 */
function firstNonFinite(pixel: PixelLanes, lanes: u32): i32 {
  const outputs = pixelOutputs(pixel.distribution.kind, pixel.distribution.components);
  const groups = (lanes + 3) >> 2;
  const zero = f32x4.splat(0);
  let nonFinite = v128.splat<i32>(0);
  for (let j: u32 = 0; j < outputs; j++) {
    const row = pixel.outputs + <usize>j * pixel.stride;
    for (let g: u32 = 0; g < groups; g++) {
      const x = v128.load(row + (<usize>g << 4));
      nonFinite = v128.or(nonFinite, f32x4.ne(f32x4.sub(x, x), zero));
    }
  }
  if (!v128.any_true(nonFinite)) return -1;
  for (let lane: u32 = 0; lane < lanes; lane++) {
    if (!pixel.distribution.finite(pixel.outputs + (<usize>lane << 2), pixel.stride)) return <i32>lane;
  }
  return -1;
}

/** Pushes one pixel's symbols (one a lane) run by run, lanes in order. */
function pushPixel(table: usize, count: u32, symbols: usize, pixel: PixelLanes): void {
  let first: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const run = runAt(table, k);
    pixel.first = first;
    pushChecked<PixelLanes>(run.message, run.first, run.lanes, symbols + (<usize>first << 2), run.lanes, pixel);
    first += run.lanes;
  }
}

/** Pops one pixel's symbols into `out` (one a lane), runs and lanes in reverse; -1, or EXHAUSTED. */
function popPixel(table: usize, count: u32, lanes: u32, out: usize, pixel: PixelLanes): i32 {
  let first = lanes;
  for (let k = count; k-- > 0;) {
    const run = runAt(table, k);
    first -= run.lanes;
    pixel.first = first;
    if (popChecked<PixelLanes>(run.message, run.first, run.lanes, out + (<usize>first << 2), run.lanes, pixel) == EXHAUSTED) return EXHAUSTED;
  }
  return -1;
}

/** log2 P(x) of one pixel's symbols (one a lane, f64 each). */
function log2Probabilities(symbols: usize, lanes: u32, out: usize, pixel: PixelLanes): void {
  pixel.first = 0;
  for (let lane: u32 = 0; lane < lanes; lane++) {
    store<f64>(out + (<usize>lane << 3), pixel.log2Probability(lane, load<u32>(symbols + (<usize>lane << 2))));
  }
}

/**
 * The fused coder. Returns -1, EXHAUSTED (strict pop ran dry), i >= 0 (element i = t * lanes + lane
 * had a NaN or infinite network output) or -(i + 2) (element i's symbol is outside 0..maxValue; push
 * checks every symbol before touching the message). `out` receives popped symbols, or for
 * MODE_INTERVALS (start, freq) u32 pairs, for MODE_LOG_PROBABILITIES log2 P(x) as f64. `table`
 * holds `runCount` runs (LaneRun) for push and pop, and is 0 for the two modes that code nothing.
 */
function code(mode: u32, table: usize, runCount: u32, lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  const pixels = pm.height * pm.width;
  const n = pixels * lanes;
  if (mode != MODE_POP) {
    for (let i: u32 = 0; i < n; i++) if (load<u32>(symbols + (<usize>i << 2)) > pm.maxValue) return -(<i32>i + 2);
  }
  const computed = computedLanes(lanes);
  const groups = (computed + 3) >> 2;
  const stride = <usize>groups << 4;
  const scratch = heap.alloc(<usize>2 * pm.widest * stride);
  memory.fill(scratch, 0, <usize>2 * pm.widest * stride);
  const transforms = heap.alloc(<usize>computed * (TRANSFORM_VALUES << 2));
  // The predictive context's lanes: [pixel][lane] values, inputs [input][lanes], a transform each.
  const context = changetype<ContextLayout>(heap.alloc(offsetof<ContextLayout>()));
  context.pixelStride = lanes;
  context.laneStride = 1;
  context.lanes = lanes;
  context.inputLaneStride = 4;
  context.transforms = transforms;
  context.transformLaneStride = TRANSFORM_VALUES << 2;
  context.scratch = heap.alloc(<usize>lanes * 12);
  context.differenceLimit = pm.differenceLimit;
  const pixel = changetype<PixelLanes>(heap.alloc(offsetof<PixelLanes>()));
  pixel.precision = precision;
  pixel.distribution = pixelDistribution(pm.kind, pm.components, pm.relativeComponents, pm.maxValue, precision);
  pixel.stride = stride;
  pixel.transforms = pm.context == CONTEXT_PREDICTIVE ? transforms : 0;
  const known = mode == MODE_POP ? out : symbols;
  let result: i32 = -1;
  for (let step: u32 = 0; step < pixels && result == -1; step++) {
    const t = mode == MODE_PUSH ? pixels - 1 - step : step;
    gatherInputs(pm, t, known, features, lanes, computed, scratch, stride, context);
    pixel.outputs = evaluate(pm, scratch, computed);
    // Element t * lanes + lane of the [pixel][lane] arrays is the pixel's lane.
    const at = t * lanes;
    const nonFinite = firstNonFinite(pixel, lanes);
    if (nonFinite != -1) {
      result = <i32>at + nonFinite;
    } else if (mode == MODE_PUSH) {
      pushPixel(table, runCount, symbols + (<usize>at << 2), pixel);
    } else if (mode == MODE_POP) {
      result = popPixel(table, runCount, lanes, out + (<usize>at << 2), pixel);
    } else if (mode == MODE_INTERVALS) {
      pixel.first = 0;
      intervalsChecked<PixelLanes>(symbols + (<usize>at << 2), lanes, out + (<usize>at << 3), pixel);
    } else {
      log2Probabilities(symbols + (<usize>at << 2), lanes, out + (<usize>at << 3), pixel);
    }
  }
  heap.free(scratch);
  heap.free(transforms);
  heap.free(context.scratch);
  heap.free(changetype<usize>(context));
  freePixelDistribution(pixel.distribution);
  heap.free(changetype<usize>(pixel));
  return result;
}

/** Pushes lane-major [pixel][lane] symbols over the runs of `table` (see LaneRun). */
export function autoregressive_push(table: usize, runCount: u32, symbols: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  return code(MODE_PUSH, table, runCount, laneCountOf(table, runCount), symbols, 0, pm, features, precision);
}

export function autoregressive_pop(table: usize, runCount: u32, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  return code(MODE_POP, table, runCount, laneCountOf(table, runCount), 0, out, pm, features, precision);
}

export function autoregressive_intervals(lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  return code(MODE_INTERVALS, 0, 0, lanes, symbols, out, pm, features, precision);
}

/** log2 P(x) of every symbol before quantisation (f64 per symbol). */
export function autoregressive_log_probabilities(lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize): i32 {
  return code(MODE_LOG_PROBABILITIES, 0, 0, lanes, symbols, out, pm, features, 24);
}
