// What every architecture reads of a user's own networks (createModel in src/models.ts): the
// fields they all share and the shape checks, so that each architecture's fromNetworks states only
// its own fields. The networks are checked against the spec afterwards by the architecture's
// validate, as for every model.
import type * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import { MAX_ITEM_PIXELS } from '../format/fields.js';
import { elementCount } from '../shape.js';
import type { CausalWindow } from './causal-window.js';
import type { LocalArShapeSpec, LocalPixelLikelihood } from './local-ar-vae-spec.js';

export interface CustomModelBase {
  /** Stored in every file this model writes (ASCII, at most 64 characters). */
  name: string;
  /** Pixels [batch, prod(itemShape)] as float32 values -> [mean, standard deviation] of each latent, [batch, latent] each. */
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

/** The pixel count of `itemShape`, which must have `rank` (or any rank) positive dimensions. */
export function checkItemShape(itemShape: unknown, rank?: number): number {
  if (!Array.isArray(itemShape) || itemShape.length < 1 || (rank !== undefined && itemShape.length !== rank) || itemShape.some((d) => !Number.isInteger(d) || d < 1)) {
    invalidArgument(`itemShape must be ${rank ?? 'one or more'} positive integers, got ${JSON.stringify(itemShape)}`);
  }
  const pixels = elementCount(itemShape);
  if (pixels > MAX_ITEM_PIXELS) invalidArgument(`items of ${pixels} pixels exceed the limit of ${MAX_ITEM_PIXELS}`);
  return pixels;
}

/** The latent width the encoder gives. */
export function latentWidth(encoder: tf.LayersModel): number {
  return encoder.outputs[0]?.shape[1] ?? -1;
}

function units(model: tf.LayersModel, layer: string): number {
  try {
    return (model.getLayer(layer).getConfig() as { units: number }).units;
  } catch {
    return invalidArgument(`pixel network: layer ${layer} is missing`);
  }
}

/** A local autoregressive model's networks: a pixel network beside the encoder and decoder. */
export interface CustomLocalArBase extends CustomModelBase {
  /** Latents [batch, latent] -> features (per pixel [batch, P * F], or per image where the architecture allows). */
  decoder: tf.LayersModel;
  pixel: tf.LayersModel;
  likelihood: LocalPixelLikelihood;
  /** [height, width]. */
  itemShape: [number, number];
  /** Pixels take values 0..maxPixelValue (default 255 for a mixture, 1 for Bernoulli). */
  maxPixelValue?: number;
  window?: CausalWindow;
}

/** The spec fields both local autoregressive architectures read off a user's networks; the decoder gives features for `featurePositions(pixels)` positions. */
export function localArShapeFrom(options: CustomLocalArBase, featurePositions: (pixels: number) => number): LocalArShapeSpec {
  const { name, encoder, decoder, pixel, likelihood, itemShape } = options;
  if (!['bernoulli', 'logistic-mixture'].includes(likelihood)) invalidArgument(`likelihood must be 'bernoulli' or 'logistic-mixture' for a local autoregressive model, got "${likelihood}"`);
  const pixels = checkItemShape(itemShape, 2);
  const maxPixelValue = options.maxPixelValue ?? (likelihood === 'bernoulli' ? 1 : 255);
  if (!(Number.isInteger(maxPixelValue) && maxPixelValue >= 1 && maxPixelValue <= 65535) || (likelihood === 'bernoulli' && maxPixelValue !== 1)) {
    invalidArgument(`maxPixelValue must be an integer in 1..65535 (1 for Bernoulli pixels), got ${maxPixelValue}`);
  }
  const window = options.window ?? { rows: 2, halfWidth: 2 };
  if (!(Number.isInteger(window.rows) && Number.isInteger(window.halfWidth) && window.rows >= 0 && window.halfWidth >= 0 && window.rows + window.halfWidth >= 1 && window.rows <= 8 && window.halfWidth <= 8)) {
    invalidArgument(`window must be { rows, halfWidth } integers in 0..8, not both 0, got ${JSON.stringify(window)}`);
  }
  const pixelHidden = [units(pixel, 'pixel_hidden_0_features')];
  while (pixel.layers.some((l) => l.name === `pixel_hidden_${pixelHidden.length}`)) pixelHidden.push(units(pixel, `pixel_hidden_${pixelHidden.length}`));
  const positions = featurePositions(pixels);
  const features = (decoder.outputs[0]?.shape[1] ?? 0) / positions;
  if (!Number.isInteger(features) || features < 1) invalidArgument(`decoder must give a whole number of features per ${positions === 1 ? 'image' : 'pixel'}, [batch, ${positions === 1 ? 'F' : `${pixels} * F`}]; it gives ${JSON.stringify(decoder.outputs[0]?.shape)}`);
  return {
    name, height: itemShape[0], width: itemShape[1], pixels, latent: latentWidth(encoder), maxPixelValue, likelihood,
    components: likelihood === 'bernoulli' ? 1 : units(pixel, 'pixel_logits'), features, window, pixelHidden,
  };
}
