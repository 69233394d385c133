// The pixel network both local autoregressive architectures share (src/model/local-ar-vae.ts,
// src/model/predictive-ar-vae.ts): a small MLP from pixel t's context and its decoder features to
// the pixel's distribution, trained in tfjs on every pixel at once and evaluated pixel by pixel by
// the WASM coder (assembly/pixel-model.ts), which reads the same weights. The layout is fixed,
// since the WASM loop evaluates exactly it:
//   inputs  pixel_<context> [C]  and  pixel_features [F]
//   pixel_hidden_0_<context> (dense, no bias) + pixel_hidden_0_features (dense), summed, ReLU
//   pixel_hidden_i (dense, ReLU) ...
//   heads   pixel_logit (Bernoulli), or pixel_logits, pixel_means, pixel_log_scales (mixture of K)
import * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import { type DenseLayer, type PixelContext, type PixelNetwork, contextWidth, pixelNetwork, pixelOutputGroups, pixelOutputs } from '../autoregressive.js';
import type { CausalWindow } from './causal-window.js';
import { dense, deriveSeed } from './vae.js';
import { bernoulliLogPmf } from './likelihoods.js';
import { logisticMixtureLogPmf } from './logistic-mixture.js';
import type { LocalPixelLikelihood } from './local-ar-vae-spec.js';

/** What a spec says of its pixel network. */
export interface PixelNetworkShape {
  height: number;
  width: number;
  pixels: number;
  maxPixelValue: number;
  likelihood: LocalPixelLikelihood;
  /** Logistic components per pixel (logistic-mixture only). */
  components: number;
  /** Features the decoder gives the pixel network (per pixel, or per image when shared). */
  features: number;
  window: CausalWindow;
  /** Hidden layer widths (ReLU). */
  pixelHidden: number[];
  /** With a predictive context: the mixture's last components that its output transform leaves absolute (default 0). */
  absoluteComponents?: number;
  /** With a predictive context: the clamp on its neighbours' differences (default none). */
  differenceLimit?: number;
}

/** How an architecture feeds its pixel network: which context, the names of its first layer, whether features are per image. */
export interface PixelInputs {
  context: PixelContext;
  /** The context input's name stem: pixel_<name> and pixel_hidden_0_<name>. */
  contextName: string;
  /** The name of the layer summing the first layer's two halves (part of the topology, so of the fingerprint). */
  sumLayer: string;
  sharedFeatures: boolean;
}

/** The WASM coder evaluates at most this many dense layers per pixel (hidden layers and the heads' layer). */
export const MAX_PIXEL_LAYERS = 8;

export function buildPixelNetwork(spec: PixelNetworkShape & { name: string }, inputs: PixelInputs, seed: number): tf.LayersModel {
  // The first layer reads the context and the features through two inputs, summed: a
  // concatenated input would cost a split of every gradient in training.
  const context = tf.input({ shape: [contextWidth(inputs.context, spec.window)], name: `pixel_${inputs.contextName}` });
  const pixelFeatures = tf.input({ shape: [spec.features], name: 'pixel_features' });
  const [first, ...rest] = spec.pixelHidden;
  const fromContext = tf.layers.dense({ name: `pixel_hidden_0_${inputs.contextName}`, units: first!, useBias: false,
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 6) }) }).apply(context) as tf.SymbolicTensor;
  const fromFeatures = dense('pixel_hidden_0_features', first!, 'linear', deriveSeed(seed, 7)).apply(pixelFeatures) as tf.SymbolicTensor;
  let x = tf.layers.reLU({ name: 'pixel_hidden_0' }).apply(tf.layers.add({ name: inputs.sumLayer }).apply([fromContext, fromFeatures])) as tf.SymbolicTensor;
  rest.forEach((units, i) => {
    x = dense(`pixel_hidden_${i + 1}`, units, 'relu', deriveSeed(seed, 11 + i)).apply(x) as tf.SymbolicTensor;
  });
  // One head per parameter group, so training never splits a [pixels, 3K] tensor (slow on wasm).
  const heads = pixelOutputGroups(spec).map(([head, units], i) => dense(`pixel_${head}`, units, 'linear', deriveSeed(seed, 20 + i)).apply(x) as tf.SymbolicTensor);
  return tf.model({ inputs: [context, pixelFeatures], outputs: heads, name: `${spec.name}-pixel` });
}

/** A predictive context's output transform per pixel row, [rows, 1] each (assembly/pixel-context.ts). */
export interface OutputTransform {
  base: tf.Tensor;
  scale: tf.Tensor;
  logScale: tf.Tensor;
}

/**
 * log p(x_t | context, features) in nats for every pixel row: `pixels` [rows, 1], `context`
 * [rows, C], `features` [rows, F]; with a `transform`, the mixture's means are base + scale *
 * the means head and its log scales log scale + the log-scales head, as the WASM coder takes them.
 */
export function pixelLogPmf(spec: PixelNetworkShape, pixel: tf.LayersModel, pixels: tf.Tensor, context: tf.Tensor, features: tf.Tensor, transform: OutputTransform | undefined, training: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const out = pixel.apply([context, features], { training }) as tf.Tensor | tf.Tensor[];
    const raw = Array.isArray(out) ? out : [out];
    if (spec.likelihood === 'bernoulli') return tf.reshape(bernoulliLogPmf(pixels, raw[0]!), [-1]) as tf.Tensor1D;
    const [logits, means, logScales] = raw as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (!transform) return logisticMixtureLogPmf(pixels, logits, means, logScales, spec.maxPixelValue);
    const absolute = spec.absoluteComponents ?? 0;
    if (absolute === 0) return logisticMixtureLogPmf(pixels, logits, tf.add(transform.base, tf.mul(transform.scale, means)), tf.add(logScales, transform.logScale), spec.maxPixelValue);
    // The transform on the first K - absolute columns only, by a 0/1 row mask (slicing a [rows, K]
    // tensor costs training more than a few elementwise ops).
    const placed = tf.tensor2d(Float32Array.from({ length: spec.components }, (_, k) => (k < spec.components - absolute ? 1 : 0)), [1, spec.components]);
    const scale = tf.add(tf.mul(placed, tf.sub(transform.scale, 1)), 1);
    return logisticMixtureLogPmf(pixels, logits, tf.add(tf.mul(placed, transform.base), tf.mul(scale, means)), tf.add(logScales, tf.mul(placed, transform.logScale)), spec.maxPixelValue);
  });
}

/** The pixel network's dense layers in evaluation order, read out of its tfjs layers. */
function pixelLayers(spec: PixelNetworkShape, inputs: PixelInputs, pixel: tf.LayersModel): DenseLayer[] {
  const weights = (name: string): Float32Array[] => pixel.getLayer(name).getWeights().map((w) => w.dataSync() as Float32Array);
  // The first layer's two halves (context, features) are one layer over the joined inputs.
  const [contextKernel] = weights(`pixel_hidden_0_${inputs.contextName}`);
  const [featureKernel, firstBias] = weights('pixel_hidden_0_features');
  const first = new Float32Array(contextKernel!.length + featureKernel!.length);
  first.set(contextKernel!);
  first.set(featureKernel!, contextKernel!.length);
  const layers: DenseLayer[] = [{ kernel: first, bias: firstBias!, inputs: contextWidth(inputs.context, spec.window) + spec.features, outputs: spec.pixelHidden[0]! }];
  for (let i = 1; i < spec.pixelHidden.length; i++) {
    const [kernel, bias] = weights(`pixel_hidden_${i}`);
    layers.push({ kernel: kernel!, bias: bias!, inputs: spec.pixelHidden[i - 1]!, outputs: spec.pixelHidden[i]! });
  }
  // The heads side by side make the last layer: [logits | means | log scales].
  const last = spec.pixelHidden.at(-1)!;
  const outputs = pixelOutputs(spec);
  const kernel = new Float32Array(last * outputs);
  const bias = new Float32Array(outputs);
  let column = 0;
  for (const [name, units] of pixelOutputGroups(spec)) {
    const [k, b] = weights(`pixel_${name}`);
    for (let i = 0; i < last; i++) kernel.set(k!.subarray(i * units, (i + 1) * units), i * outputs + column);
    bias.set(b!, column);
    column += units;
  }
  layers.push({ kernel, bias, inputs: last, outputs });
  return layers;
}

const networks = new WeakMap<tf.LayersModel, PixelNetwork>();

/** The WASM copy of a model's pixel network, made once per LayersModel. */
export function pixelNetworkOf(spec: PixelNetworkShape, inputs: PixelInputs, pixel: tf.LayersModel): PixelNetwork {
  let network = networks.get(pixel);
  if (!network) {
    network = pixelNetwork({
      likelihood: spec.likelihood, components: spec.components, height: spec.height, width: spec.width, maxValue: spec.maxPixelValue,
      context: inputs.context, window: spec.window, features: spec.features, sharedFeatures: inputs.sharedFeatures,
      absoluteComponents: spec.absoluteComponents, differenceLimit: spec.differenceLimit, layers: pixelLayers(spec, inputs, pixel),
    });
    networks.set(pixel, network);
  }
  return network;
}

/** The pixel network must be exactly what the WASM loop evaluates: checked layer by layer. */
export function validatePixelNetwork(spec: PixelNetworkShape, inputs: PixelInputs, pixel: tf.LayersModel | undefined): void {
  if (!pixel) return invalidArgument('a local autoregressive model needs a pixel network');
  const width = contextWidth(inputs.context, spec.window);
  const shapes = pixel.inputs.map((i) => i.shape.slice(1).join());
  if (shapes.join(';') !== `${width};${spec.features}`) invalidArgument(`pixel network must take two inputs, [batch, ${width}] ${inputs.contextName} and [batch, ${spec.features}] features`);
  const layer = (name: string, from: number, units: number, activation: string, useBias: boolean): void => {
    const found = pixel.layers.find((l) => l.name === name);
    const config = found?.getConfig() as { units?: number; activation?: string; useBias?: boolean } | undefined;
    if (!found || config?.units !== units || config.activation !== activation || config.useBias !== useBias || found.getWeights()[0]?.shape.join() !== `${from},${units}`) {
      invalidArgument(`pixel network: layer ${name} must be dense ${from} -> ${units}, ${activation}${useBias ? '' : ', no bias'}`);
    }
  };
  const first = spec.pixelHidden[0]!;
  layer(`pixel_hidden_0_${inputs.contextName}`, width, first, 'linear', false);
  layer('pixel_hidden_0_features', spec.features, first, 'linear', true);
  if (pixel.layers.find((l) => l.name === 'pixel_hidden_0')?.getClassName() !== 'ReLU') invalidArgument('pixel network: layer pixel_hidden_0 must be the ReLU of the sum of the first two');
  spec.pixelHidden.slice(1).forEach((units, i) => layer(`pixel_hidden_${i + 1}`, spec.pixelHidden[i]!, units, 'relu', true));
  const heads = pixelOutputGroups(spec);
  for (const [name, units] of heads) layer(`pixel_${name}`, spec.pixelHidden.at(-1)!, units, 'linear', true);
  if (pixel.outputs.map((o) => o.sourceLayer.name).join() !== heads.map(([name]) => `pixel_${name}`).join()) {
    invalidArgument(`pixel network: its outputs must be the heads ${heads.map(([name]) => `pixel_${name}`).join(', ')}, in that order`);
  }
}
