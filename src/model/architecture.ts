// One place per model architecture. An Architecture knows how to build its networks, what a
// training batch of it holds, its loss (the negative ELBO), and how its networks become the
// chain's LatentVariableModel (per batch, its prior, likelihood and posterior codecs); nothing else
// in bbans switches on the kind of model. A new architecture is one module registered below.
import type * as tf from './tf.js';
import type { LatentVariableModel } from '../latent-model.js';
import type { ModelSpec } from './spec.js';
import type { CustomModelBase } from './custom-networks.js';

/** How finely a model codes (a file's header stores these): its latent bins and posterior precision, and its likelihood's precision, in bits. */
export interface CodingSettings {
  /** 2^binsLog2 latent bins per dimension. */
  binsLog2: number;
  posteriorPrecision: number;
  likelihoodPrecision: number;
}

/** A model's tfjs networks by name (every architecture has an encoder and a decoder). */
export type Networks = Record<string, tf.LayersModel>;

export interface Vae<S extends ModelSpec = ModelSpec> {
  spec: S;
  networks: Networks;
}

/** What the loss reads of a batch: the pixels [batch, P] as float32, and whatever else the architecture precomputes. */
export type ModelBatch = { pixels: tf.Tensor2D } & Record<string, tf.Tensor>;

/** What `bbans train` knows of a data set before it picks a model: its name, image shape, range and the likelihood asked for. */
export interface DefaultSpecInput {
  name: string;
  height: number;
  width: number;
  maxPixelValue: number;
  /** One of the architecture's `likelihoods`, checked against the range by the caller. */
  likelihood: string;
  /**
   * Whether the images are aligned: their content tied to position (centred digits, glyphs), so
   * that features per position pay (src/train/defaults.ts measures it); default false.
   */
  aligned?: boolean;
}

export interface Architecture<S extends ModelSpec = ModelSpec, O extends CustomModelBase = CustomModelBase> {
  readonly networkNames: readonly string[];
  /** The pixel likelihoods it offers; the first is the default above the 0/1 range (0/1 pixels get 'bernoulli'). */
  readonly likelihoods: readonly string[];
  /** The model `bbans train` builds for a data set, sized from its images. */
  defaultSpec(input: DefaultSpecInput): S;
  /**
   * Throws INVALID_MODEL unless `spec` (untrusted, e.g. a manifest's) has every field this
   * architecture needs, inside bbans's limits, and describes a model small enough to build.
   */
  checkSpec(spec: Record<string, unknown>): void;
  build(spec: S, seed: number): Networks;
  batch(spec: S, pixels: Float32Array, count: number): ModelBatch;
  /** Per-image negative ELBO in nats, with the posterior sample z = mu + sigma * noise. */
  negativeElbo(vae: Vae<S>, batch: ModelBatch, noise: tf.Tensor2D, training: boolean): tf.Tensor1D;
  /** The chain's view of the model, coded as finely as `coding` says. */
  codec(vae: Vae<S>, coding: CodingSettings): LatentVariableModel;
  defaultPrecision(spec: S): number;
  /** The item shape the spec fixes ([height, width]), or undefined when any shape of its pixel count fits. */
  itemShape(spec: S): number[] | undefined;
  /** Throws INVALID_ARGUMENT naming the problem when the networks do not fit the spec. */
  validate(spec: S, networks: Networks): void;
  /** The spec of a user's own networks (createModel), read off them and the options; validate then checks the networks against it. */
  fromNetworks(options: O): S;
}
