// The registry of architectures, keyed by ModelSpec.architecture.
import type { Architecture, ModelBatch, Vae } from './architecture.js';
import { factorizedVae } from './factorized-vae.js';
import { localArVae } from './local-ar-vae.js';
import { predictiveArVae } from './predictive-ar-vae.js';
import type { ModelSpec } from './spec.js';

const ARCHITECTURES = {
  vae: factorizedVae,
  'local-ar-vae': localArVae,
  'predictive-ar-vae': predictiveArVae,
} satisfies { [K in ModelSpec['architecture']]: Architecture<Extract<ModelSpec, { architecture: K }>> };

/** A user's own networks for createModel, as one of the architectures takes them (the paper's VAE when `architecture` is absent). */
export type CustomModelOptions = { [K in keyof typeof ARCHITECTURES]: Parameters<(typeof ARCHITECTURES)[K]['fromNetworks']>[0] }[keyof typeof ARCHITECTURES];

/** Every architecture's name, as a spec's `architecture` field gives it. */
export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES) as Array<ModelSpec['architecture']>;

export function architectureOf<S extends ModelSpec>(spec: S): Architecture<S> {
  return ARCHITECTURES[spec.architecture] as unknown as Architecture<S>;
}

export function disposeBatch(batch: ModelBatch): void {
  for (const tensor of Object.values(batch)) tensor.dispose();
}

/** The trainable variables of every network, in a fixed order (the optimizer state follows it). */
export function trainableVariables(vae: Vae): import('./tf.js').Variable[] {
  return architectureOf(vae.spec).networkNames.flatMap((name) =>
    vae.networks[name]!.trainableWeights.map((weight) => weight.read() as import('./tf.js').Variable),
  );
}
