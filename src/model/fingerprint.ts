// The fingerprint that ties a compressed file to the exact networks that made it: the first bytes
// of SHA-256 over every network's topology JSON and float32 weights, in the architecture's order.
import type * as tf from './tf.js';
import { FINGERPRINT_BYTES } from '../format/fields.js';
import { sha256 } from '../sha256.js';
import type { Vae } from './architecture.js';
import { architectureOf } from './architectures.js';

function networkBytes(model: tf.LayersModel): Uint8Array[] {
  const topology = new TextEncoder().encode(JSON.stringify(model.toJSON(null, false)));
  const weights = model.getWeights().map((w) => {
    const values = w.dataSync();
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  });
  return [topology, ...weights];
}

/** SHA-256 over the networks in the architecture's order (for the paper's VAEs: encoder, decoder). */
export function fingerprintOf(...networks: tf.LayersModel[]): Uint8Array {
  return sha256(...networks.flatMap(networkBytes)).slice(0, FINGERPRINT_BYTES);
}

/** The fingerprint of a VAE's networks, in its architecture's order. */
export function vaeFingerprint(vae: Vae): Uint8Array {
  return fingerprintOf(...architectureOf(vae.spec).networkNames.map((name) => vae.networks[name]!));
}
