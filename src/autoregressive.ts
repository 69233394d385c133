// The local autoregressive pixel codec over the WASM coder (assembly/pixel-loop.ts), free of
// tfjs: a PixelNetwork is plain weights, copied into WASM memory once; a codec for one batch of
// images takes their per-pixel features and codes all their pixels in one WASM call per direction.
import { core } from './wasm.js';
import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { MAX_PRECISION, type DistributionCodec } from './codecs.js';
import { type CodingTarget, EXHAUSTED, exhausted, laneCount, resolveTarget } from './message.js';
import { type Stage, staged, viewOf } from './memory.js';
import { type CausalWindow, causalOffsets } from './model/causal-window.js';

export type { CausalWindow } from './model/causal-window.js';

/** One dense layer: kernel [inputs][outputs] row-major, bias [outputs]. */
export interface DenseLayer {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

/**
 * What a pixel network reads of the coded neighbourhood (assembly/pixel-context.ts): `window`, the
 * neighbours' values / maxValue; `predictive`, the neighbours' differences from the MED prediction
 * in units of the local activity, then the activity, the prediction and three border flags, with
 * the mixture's means and scales relative to the prediction and the activity.
 */
export type PixelContext = 'window' | 'predictive';

/** Network inputs the predictive context has besides the neighbours (assembly/pixel-context.ts: PREDICTIVE_EXTRA). */
export const PREDICTIVE_EXTRA = 5;

/** The context's input count for a window. */
export function contextWidth(context: PixelContext, window: CausalWindow): number {
  return causalOffsets(window).length + (context === 'predictive' ? PREDICTIVE_EXTRA : 0);
}

/**
 * A pixel network: inputs are the pixel's context then its features (per pixel, or one vector per
 * image with `sharedFeatures`); relu after every layer but the last, whose outputs are one
 * Bernoulli logit, or the mixture's K logits, K means and K log scales (means and scales in units
 * of maxValue).
 */
export interface PixelNetworkSpec {
  likelihood: 'bernoulli' | 'logistic-mixture';
  /** Mixture components (1 for Bernoulli). */
  components: number;
  height: number;
  width: number;
  maxValue: number;
  /** Default 'window'. */
  context?: PixelContext;
  window: CausalWindow;
  features: number;
  /** Whether the features are one vector per image, shared by all its pixels (default false: one per pixel). */
  sharedFeatures?: boolean;
  /**
   * With the predictive context: how many of the mixture's last components the output transform
   * leaves alone (default 0), their means and log scales absolute (units of maxValue): mass where
   * the prediction cannot reach, the first stroke of a digit in a blank neighbourhood.
   */
  absoluteComponents?: number;
  /** With the predictive context: neighbour differences clamped to +-this many units (default none). */
  differenceLimit?: number;
  layers: DenseLayer[];
}

/**
 * The last layer's outputs a pixel likelihood reads, in order, as (name, count) groups: one
 * Bernoulli logit, or a mixture's K logits, K means and K log scales (units of maxValue). The pixel
 * network's heads are named after the groups (src/model/pixel-network.ts); the WASM's count of
 * them is assembly/pixel-distribution.ts's pixelOutputs.
 */
export function pixelOutputGroups({ likelihood, components }: Pick<PixelNetworkSpec, 'likelihood' | 'components'>): Array<[string, number]> {
  return likelihood === 'bernoulli' ? [['logit', 1]] : [['logits', components], ['means', components], ['log_scales', components]];
}

/** How many outputs a pixel network's last layer gives: 1 for Bernoulli, 3K for a mixture of K. */
export function pixelOutputs(spec: Pick<PixelNetworkSpec, 'likelihood' | 'components'>): number {
  return pixelOutputGroups(spec).reduce((sum, [, count]) => sum + count, 0);
}

export interface PixelNetwork {
  readonly spec: PixelNetworkSpec;
  /** The network's address in WASM memory (freed when this object is collected). */
  readonly pointer: number;
}

const KIND = { bernoulli: 0, 'logistic-mixture': 1 } as const;
const CONTEXT = { window: 0, predictive: 1 } as const;
type Kernel = (...args: number[]) => number;
const wasm = (name: string): Kernel => core()[name] as Kernel;
const releaseNetwork = new FinalizationRegistry<number>((pointer) => wasm('pixel_model_free')(pointer));

/** Weights as the WASM reads them: per layer the kernel transposed to [out][in], then the bias. */
function packWeights(layers: DenseLayer[]): Float32Array {
  const packed = new Float32Array(layers.reduce((n, l) => n + l.outputs * (l.inputs + 1), 0));
  let at = 0;
  for (const { kernel, bias, inputs, outputs } of layers) {
    for (let j = 0; j < outputs; j++) for (let i = 0; i < inputs; i++) packed[at++] = kernel[i * outputs + j]!;
    packed.set(bias, at);
    at += outputs;
  }
  return packed;
}

/** Checks the description and copies the network into WASM memory. */
export function pixelNetwork(spec: PixelNetworkSpec): PixelNetwork {
  if (!(spec.likelihood in KIND)) invalidArgument(`pixel network: likelihood must be 'bernoulli' or 'logistic-mixture', got "${spec.likelihood}"`);
  requireInteger('pixel network components', spec.components, 1, 16);
  if (spec.likelihood === 'bernoulli' && (spec.components !== 1 || spec.maxValue !== 1)) invalidArgument('pixel network: Bernoulli pixels have one component and values 0..1');
  requireInteger('pixel network height', spec.height, 1, 1 << 14);
  requireInteger('pixel network width', spec.width, 1, 1 << 14);
  requireInteger('pixel network maxValue', spec.maxValue, 1, 65535);
  requireInteger('pixel network features', spec.features, 0, 4096);
  const context = spec.context ?? 'window';
  if (!Object.hasOwn(CONTEXT, context)) invalidArgument(`pixel network: context must be 'window' or 'predictive', got "${context}"`);
  const absolute = spec.absoluteComponents ?? 0;
  if (absolute !== 0 && (context !== 'predictive' || spec.likelihood !== 'logistic-mixture')) invalidArgument('pixel network: absolute components are for a logistic mixture with the predictive context');
  requireInteger('pixel network absoluteComponents', absolute, 0, spec.components);
  const limit = spec.differenceLimit ?? 0;
  if (limit !== 0 && context !== 'predictive') invalidArgument('pixel network: a difference limit is for the predictive context');
  requireInteger('pixel network differenceLimit', limit, 0, MAX_DIFFERENCE_LIMIT);
  const offsets = causalOffsets(spec.window);
  const { layers } = spec;
  if (!Array.isArray(layers) || layers.length < 1 || layers.length > 8) invalidArgument('pixel network: 1..8 dense layers');
  const outputs = pixelOutputs(spec);
  layers.forEach((layer, l) => {
    const inputs = l === 0 ? contextWidth(context, spec.window) + spec.features : layers[l - 1]!.outputs;
    if (layer.inputs !== inputs || !(layer.kernel instanceof Float32Array) || layer.kernel.length !== inputs * layer.outputs || !(layer.bias instanceof Float32Array) || layer.bias.length !== layer.outputs || !(layer.outputs >= 1 && layer.outputs <= 4096)) {
      invalidArgument(`pixel network: layer ${l} must map ${inputs} inputs with a [${inputs}][outputs] kernel and an [outputs] bias`);
    }
  });
  if (layers.at(-1)!.outputs !== outputs) invalidArgument(`pixel network: the last layer must give ${outputs} outputs for ${spec.likelihood} pixels`);
  const sizes = Uint32Array.from([layers[0]!.inputs, ...layers.map((l) => l.outputs)]);
  const weights = packWeights(layers);
  if (!weights.every(Number.isFinite)) invalidArgument('pixel network: weights must be finite');
  const pointer = staged((stage) =>
    wasm('pixel_model_create')(
      KIND[spec.likelihood], spec.components, spec.height, spec.width, spec.maxValue, CONTEXT[context],
      stage.put(new Uint32Array(Int32Array.from(offsets.flat()).buffer)), offsets.length, spec.features, spec.sharedFeatures ? 1 : 0,
      spec.components - absolute, limit, stage.put(sizes), layers.length, stage.put(weights), weights.length,
    ),
  );
  const network = { spec, pointer };
  releaseNetwork.register(network, pointer);
  return network;
}

export interface AutoregressiveCodec extends DistributionCodec {
  /** log2 P(x) of each symbol before quantisation: what training's log-likelihood estimates. */
  log2Probabilities(symbols: Uint32Array): Float64Array;
}

/**
 * The codec of `batch` images, each coded on its own lane: symbols lane-major [pixel][lane];
 * `features` row-major [batch][pixel][feature] as the decoder network gives them ([batch][feature]
 * for shared features).
 */
export function localAutoregressive(network: PixelNetwork, features: Float32Array, batch: number, precision: number): AutoregressiveCodec {
  const { spec } = network;
  const pixels = spec.height * spec.width;
  requireInteger('batch', batch, 1, 1 << 16);
  requireInteger('autoregressive precision', precision, Math.ceil(Math.log2(spec.maxValue + 2)), MAX_PRECISION);
  const featurePositions = spec.sharedFeatures ? 1 : pixels;
  if (!(features instanceof Float32Array) || features.length !== batch * featurePositions * spec.features) {
    invalidArgument(`autoregressive: features must be a Float32Array of ${batch} x ${featurePositions} x ${spec.features}`);
  }
  const size = pixels * batch;
  const where = (i: number): string => `pixel ${Math.floor(i / batch)} of lane ${i % batch}`;
  const fail = (result: number, symbols?: Uint32Array): never => {
    if (result === EXHAUSTED) throw exhausted();
    if (result >= 0) throw new BbansError('INVALID_PARAMETER', `autoregressive: ${where(result)}: the pixel network's output is NaN or infinite`);
    const i = -result - 2;
    throw new BbansError('INVALID_SYMBOL', `autoregressive: ${where(i)} is ${symbols?.[i]}, outside 0..${spec.maxValue}`);
  };
  const checkSymbols = (symbols: Uint32Array): void => {
    if (!(symbols instanceof Uint32Array) || symbols.length !== size) invalidArgument(`autoregressive: expected a Uint32Array of ${size} symbols`);
  };
  /** The target's views as the kernels' (message, first lane, lanes) table. */
  const runs = (target: CodingTarget, stage: Stage): [number, number] => {
    const views = resolveTarget(target);
    if (laneCount(views) !== batch) invalidArgument(`autoregressive: the codec is for ${batch} lanes, the target has ${laneCount(views)}`);
    return [stage.put(Uint32Array.from(views.flatMap((v) => [v.message.pointer, v.offset, v.count]))), views.length];
  };
  const codec: AutoregressiveCodec = {
    precision,
    push(target, symbols) {
      checkSymbols(symbols);
      staged((stage) => {
        const result = wasm('autoregressive_push')(...runs(target, stage), stage.put(symbols), network.pointer, stage.put(features), precision);
        if (result !== -1) fail(result, symbols);
      });
    },
    pop(target) {
      return staged((stage) => {
        const out = stage.alloc(size * 4);
        const result = wasm('autoregressive_pop')(...runs(target, stage), out, network.pointer, stage.put(features), precision);
        if (result !== -1) fail(result);
        return viewOf(Uint32Array, out, size).slice();
      });
    },
    intervals(symbols) {
      checkSymbols(symbols);
      return staged((stage) => {
        const out = stage.alloc(size * 8);
        const result = wasm('autoregressive_intervals')(batch, stage.put(symbols), out, network.pointer, stage.put(features), precision);
        if (result !== -1) fail(result, symbols);
        const pairs = viewOf(Uint32Array, out, size * 2);
        const starts = new Uint32Array(size);
        const freqs = new Uint32Array(size);
        for (let i = 0; i < size; i++) {
          starts[i] = pairs[2 * i]!;
          freqs[i] = pairs[2 * i + 1]!;
        }
        return { starts, freqs };
      });
    },
    log2Probabilities(symbols) {
      checkSymbols(symbols);
      return staged((stage) => {
        const out = stage.alloc(size * 8);
        const result = wasm('autoregressive_log_probabilities')(batch, stage.put(symbols), out, network.pointer, stage.put(features));
        if (result !== -1) fail(result, symbols);
        return viewOf(Float64Array, out, size).slice();
      });
    },
    cost(symbols) {
      let bits = 0;
      for (const freq of codec.intervals(symbols).freqs) bits += precision - Math.log2(freq);
      return bits;
    },
  };
  return codec;
}

/** The largest difference limit a predictive context takes, in units of its scale. */
export const MAX_DIFFERENCE_LIMIT = 1024;

/** Values of a predictive context's output transform per pixel (assembly/pixel-context.ts: TRANSFORM_VALUES): base, scale, log scale. */
export const TRANSFORM_VALUES = 3;

/**
 * Training's view of the predictive context: for `count` images of `pixels` (row-major, integers
 * 0..maxValue), every pixel's network inputs as rows of [count * height * width][contextWidth] and
 * its output transform as rows of [count * height * width][TRANSFORM_VALUES], computed by the same
 * WASM code the coder runs.
 */
export function predictiveContext(height: number, width: number, maxValue: number, window: CausalWindow, differenceLimit: number, pixels: ArrayLike<number>, count: number): { context: Float32Array; transforms: Float32Array } {
  const offsets = causalOffsets(window);
  const rows = count * height * width;
  const columns = offsets.length + PREDICTIVE_EXTRA;
  return staged((stage) => {
    const context = stage.alloc(rows * columns * 4);
    const transforms = stage.alloc(rows * TRANSFORM_VALUES * 4);
    wasm('predictive_context')(height, width, maxValue, stage.put(new Uint32Array(Int32Array.from(offsets.flat()).buffer)), offsets.length, differenceLimit, stage.put(Uint32Array.from(pixels)), count, context, transforms);
    return { context: viewOf(Float32Array, context, rows * columns).slice(), transforms: viewOf(Float32Array, transforms, rows * TRANSFORM_VALUES).slice() };
  });
}
