// The local autoregressive VAE as the chain's LatentVariableModel: the encoder gives the posterior,
// the decoder (tfjs) the per-pixel features, and the pixel network, read once out of its tfjs
// layers into a WASM PixelNetwork, codes the pixels (src/autoregressive.ts).
import type * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import type { LatentVariableModel } from '../chain.js';
import { type DenseLayer, type PixelNetwork, localAutoregressive, pixelNetwork } from '../autoregressive.js';
import type { Networks, Vae } from './architecture.js';
import { causalOffsets } from './causal-window.js';
import { type LocalArVaeSpec, pixelHeads } from './local-ar-vae-spec.js';
import { type OutputArray, runNetwork } from './run.js';
import { encodePosterior, validateEncoder } from './vae.js';
import { reusable } from '../memory.js';

/** The pixel network's dense layers in evaluation order, as src/model/local-ar-vae.ts builds them. */
function pixelLayers(spec: LocalArVaeSpec, pixel: tf.LayersModel): DenseLayer[] {
  const weights = (name: string): Float32Array[] => pixel.getLayer(name).getWeights().map((w) => w.dataSync() as Float32Array);
  // The first layer's two halves (neighbours, features) are one layer over the joined inputs.
  const [neighbourKernel] = weights('pixel_hidden_0_neighbours');
  const [featureKernel, firstBias] = weights('pixel_hidden_0_features');
  const first = new Float32Array(neighbourKernel!.length + featureKernel!.length);
  first.set(neighbourKernel!);
  first.set(featureKernel!, neighbourKernel!.length);
  const layers: DenseLayer[] = [{ kernel: first, bias: firstBias!, inputs: causalOffsets(spec.window).length + spec.features, outputs: spec.pixelHidden[0]! }];
  for (let i = 1; i < spec.pixelHidden.length; i++) {
    const [kernel, bias] = weights(`pixel_hidden_${i}`);
    layers.push({ kernel: kernel!, bias: bias!, inputs: spec.pixelHidden[i - 1]!, outputs: spec.pixelHidden[i]! });
  }
  // The heads side by side make the last layer: [logits | means | log scales].
  const last = spec.pixelHidden.at(-1)!;
  const heads = pixelHeads(spec);
  const outputs = heads.reduce((n, [, units]) => n + units, 0);
  const kernel = new Float32Array(last * outputs);
  const bias = new Float32Array(outputs);
  let column = 0;
  for (const [name, units] of heads) {
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
export function pixelNetworkOf(spec: LocalArVaeSpec, pixel: tf.LayersModel): PixelNetwork {
  let network = networks.get(pixel);
  if (!network) {
    network = pixelNetwork({
      likelihood: spec.likelihood, components: spec.components, height: spec.height, width: spec.width,
      maxValue: spec.maxPixelValue, window: spec.window, features: spec.features, layers: pixelLayers(spec, pixel),
    });
    networks.set(pixel, network);
  }
  return network;
}

export function localArCodecModel(vae: Vae<LocalArVaeSpec>, precision: number): LatentVariableModel {
  const { spec, networks: { decoder, pixel } } = vae;
  const network = pixelNetworkOf(spec, pixel!);
  // One features array for every batch (the largest yet, viewed at each batch's size), not a new
  // 25 KB per image. A codec reads its features as it pushes or pops, so only the newest one may
  // be used: the chain uses each before it asks for the next, and an older one refuses to run.
  const features: OutputArray = reusable(Float32Array);
  let newest = 0;
  return {
    dataSize: spec.pixels,
    latentSize: spec.latent,
    encode: (data, batch) => encodePosterior(vae, data, batch),
    likelihood(latents, batch) {
      const [batchFeatures] = runNetwork(decoder!, latents, batch, spec.latent, undefined, features);
      const codec = localAutoregressive(network, batchFeatures!, batch, precision);
      const mine = ++newest;
      const current = <A extends unknown[], R>(method: (...args: A) => R) => (...args: A): R => {
        if (mine !== newest) invalidArgument('this likelihood codec is stale: its features were replaced by a later likelihood call (use each codec before asking for the next)');
        return method(...args);
      };
      return { precision, push: current(codec.push), pop: current(codec.pop), intervals: current(codec.intervals), cost: current(codec.cost) };
    },
  };
}

/** The networks must be exactly what the WASM loop evaluates: checked layer by layer. */
export function validateLocalAr(spec: LocalArVaeSpec, networks: Networks): void {
  validateEncoder(spec, networks.encoder);
  const { decoder, pixel } = networks;
  const featureWidth = spec.pixels * spec.features;
  if (!decoder || decoder.inputs[0]?.shape.slice(1).join() !== String(spec.latent) || decoder.outputs.length !== 1 || decoder.outputs[0]!.shape.slice(1).join() !== String(featureWidth)) {
    invalidArgument(`decoder must map [batch, ${spec.latent}] to [batch, ${featureWidth}] (${spec.features} features per pixel)`);
  }
  if (!pixel) return invalidArgument('a local autoregressive model needs a pixel network');
  const neighbours = causalOffsets(spec.window).length;
  const inputs = pixel.inputs.map((i) => i.shape.slice(1).join());
  if (inputs.join(';') !== `${neighbours};${spec.features}`) invalidArgument(`pixel network must take two inputs, [batch, ${neighbours}] neighbours and [batch, ${spec.features}] features`);
  const layer = (name: string, width: number, units: number, activation: string, useBias: boolean): void => {
    const found = pixel.layers.find((l) => l.name === name);
    const config = found?.getConfig() as { units?: number; activation?: string; useBias?: boolean } | undefined;
    if (!found || config?.units !== units || config.activation !== activation || config.useBias !== useBias || found.getWeights()[0]?.shape.join() !== `${width},${units}`) {
      invalidArgument(`pixel network: layer ${name} must be dense ${width} -> ${units}, ${activation}${useBias ? '' : ', no bias'}`);
    }
  };
  const first = spec.pixelHidden[0]!;
  layer('pixel_hidden_0_neighbours', neighbours, first, 'linear', false);
  layer('pixel_hidden_0_features', spec.features, first, 'linear', true);
  if (pixel.layers.find((l) => l.name === 'pixel_hidden_0')?.getClassName() !== 'ReLU') invalidArgument('pixel network: layer pixel_hidden_0 must be the ReLU of the sum of the first two');
  spec.pixelHidden.slice(1).forEach((units, i) => layer(`pixel_hidden_${i + 1}`, spec.pixelHidden[i]!, units, 'relu', true));
  const heads = pixelHeads(spec);
  for (const [name, units] of heads) layer(`pixel_${name}`, spec.pixelHidden.at(-1)!, units, 'linear', true);
  if (pixel.outputs.map((o) => o.sourceLayer.name).join() !== heads.map(([name]) => `pixel_${name}`).join()) {
    invalidArgument(`pixel network: its outputs must be the heads ${heads.map(([name]) => `pixel_${name}`).join(', ')}, in that order`);
  }
}
