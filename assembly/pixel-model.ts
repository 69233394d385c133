// The pixel network in WASM memory, and its evaluation for all lanes of one pixel. Inputs are the
// pixel's context (assembly/pixel-context.ts: the window's values, or the predictive context's
// differences from a classical prediction) then the decoder features (per pixel, or one vector
// per image shared by all its pixels); dense layers with relu; the last layer (no relu) gives the
// pixel's raw parameters (assembly/pixel-distribution.ts: pixelOutputs). Weights are stored per
// layer as [out][in] then the bias [out], and again transposed for the kernels of few lanes.

import { MAX_COMPONENTS, pixelOutputs } from './pixel-distribution';
import { contextWidth } from './pixel-context';
import { dense, padded } from './dense';

const MAX_LAYERS: u32 = 8;

@unmanaged
export class PixelModel {
  kind: u32;
  components: u32;
  height: u32;
  width: u32;
  maxValue: u32;
  /** CONTEXT_WINDOW or CONTEXT_PREDICTIVE (assembly/pixel-context.ts). */
  context: u32;
  neighbours: u32;
  features: u32;
  /** Whether the features are one vector per image ([lanes][feature]) rather than per pixel ([lanes][pixel][feature]). */
  sharedFeatures: bool;
  /** With a predictive context: the mixture's first components, placed by the output transform; the rest are absolute. */
  relativeComponents: u32;
  /** With a predictive context: its difference limit (0: none; see assembly/pixel-context.ts). */
  differenceLimit: f64;
  layers: u32;
  /** Units of each layer boundary: sizes[0] = inputs, sizes[layers] = outputs (u32[layers + 1]). */
  sizes: usize;
  /** Neighbour offsets as (dy, dx) i32 pairs. */
  offsets: usize;
  weights: usize;
  widest: u32;
  /** Scratch for dense(): the indices of a block's nonzero inputs (u32[widest]). */
  active: usize;
  /**
   * The same weights per layer as [in][out] then the bias [out], outputs padded with zeros to a
   * multiple of 16: denseLanes() reads four outputs' weights of one input with one load.
   */
  transposed: usize;
}

/** Copies the description and weights; the caller has checked that the sizes agree. */
export function pixel_model_create(
  kind: u32, components: u32, height: u32, width: u32, maxValue: u32, context: u32,
  offsets: usize, neighbours: u32, features: u32, sharedFeatures: bool, relativeComponents: u32, differenceLimit: f64, sizes: usize, layers: u32, weights: usize, weightCount: u32,
): PixelModel {
  assert(layers >= 1 && layers <= MAX_LAYERS, 'pixel model: layer count out of range');
  assert(components >= 1 && components <= MAX_COMPONENTS, 'pixel model: component count out of range');
  assert(relativeComponents <= components, 'pixel model: more relative components than components');
  const m = changetype<PixelModel>(heap.alloc(offsetof<PixelModel>()));
  m.kind = kind;
  m.components = components;
  m.height = height;
  m.width = width;
  m.maxValue = maxValue;
  m.context = context;
  m.neighbours = neighbours;
  m.features = features;
  m.sharedFeatures = sharedFeatures;
  m.relativeComponents = relativeComponents;
  m.differenceLimit = differenceLimit;
  m.layers = layers;
  m.sizes = heap.alloc((<usize>layers + 1) << 2);
  memory.copy(m.sizes, sizes, (<usize>layers + 1) << 2);
  m.offsets = heap.alloc(max<usize>(<usize>neighbours << 3, 8));
  memory.copy(m.offsets, offsets, <usize>neighbours << 3);
  m.weights = heap.alloc(<usize>weightCount << 2);
  memory.copy(m.weights, weights, <usize>weightCount << 2);
  let widest: u32 = 0;
  let expected: u64 = 0;
  for (let l: u32 = 0; l <= layers; l++) {
    const units = load<u32>(m.sizes + (<usize>l << 2));
    widest = max<u32>(widest, units);
    if (l > 0) expected += <u64>units * (load<u32>(m.sizes + (<usize>(l - 1) << 2)) + 1);
  }
  assert(load<u32>(m.sizes) == contextWidth(context, neighbours) + features, 'pixel model: input size is not the context + features');
  const outputs = load<u32>(m.sizes + (<usize>layers << 2));
  assert(outputs == pixelOutputs(kind, components), 'pixel model: output size does not fit the likelihood');
  assert(expected == <u64>weightCount, 'pixel model: weight count does not match the layer sizes');
  m.widest = widest;
  m.active = heap.alloc(<usize>widest << 2);
  m.transposed = transposeLayers(m);
  return m;
}

function transposeLayers(m: PixelModel): usize {
  let size: usize = 0;
  for (let l: u32 = 0; l < m.layers; l++) {
    size += <usize>(load<u32>(m.sizes + (<usize>l << 2)) + 1) * padded(load<u32>(m.sizes + (<usize>(l + 1) << 2)));
  }
  const out = heap.alloc(size << 2);
  memory.fill(out, 0, size << 2);
  let w = m.weights;
  let t = out;
  for (let l: u32 = 0; l < m.layers; l++) {
    const inputs = load<u32>(m.sizes + (<usize>l << 2));
    const outputs = load<u32>(m.sizes + (<usize>(l + 1) << 2));
    const width = <usize>padded(outputs);
    for (let j: u32 = 0; j < outputs; j++) {
      for (let i: u32 = 0; i <= inputs; i++) {
        // i == inputs is the bias, stored after the kernel in both layouts.
        const from = i < inputs ? w + ((<usize>j * inputs + i) << 2) : w + ((<usize>outputs * inputs + j) << 2);
        store<f32>(t + ((<usize>i * width + j) << 2), load<f32>(from));
      }
    }
    w += (<usize>outputs * (inputs + 1)) << 2;
    t += (<usize>(inputs + 1) * width) << 2;
  }
  return out;
}

export function pixel_model_free(m: PixelModel): void {
  heap.free(m.sizes);
  heap.free(m.offsets);
  heap.free(m.weights);
  heap.free(m.active);
  heap.free(m.transposed);
  heap.free(changetype<usize>(m));
}

/**
 * Runs the network on the inputs at `scratch` ([input][groups * 4] for `lanes` lanes, the first
 * half of it); returns the address of its outputs ([output][groups * 4]).
 */
export function evaluate(pm: PixelModel, scratch: usize, lanes: u32): usize {
  const stride = <usize>((lanes + 3) >> 2) << 4;
  const half = <usize>pm.widest * stride;
  let input = scratch;
  let output = scratch + half;
  let w = pm.weights;
  let transposed = pm.transposed;
  for (let l: u32 = 0; l < pm.layers; l++) {
    const inputs = load<u32>(pm.sizes + (<usize>l << 2));
    const outputs = load<u32>(pm.sizes + (<usize>(l + 1) << 2));
    dense(input, inputs, w, transposed, outputs, output, lanes, l + 1 < pm.layers, pm.active);
    w += (<usize>outputs * (inputs + 1)) << 2;
    transposed += (<usize>(inputs + 1) * padded(outputs)) << 2;
    const swap = input;
    input = output;
    output = swap;
  }
  return input;
}
