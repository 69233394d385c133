// Writing model directories (Node): each network as the standard tfjs "layers-model" pair
// (model.json + weights.bin; tfjs-node's file:// handler is not available here), and the
// directory's manifest. Writes go through a temporary name + rename so a crash never leaves a
// half-written model.json next to a stale weights file. Reading is src/model/directory.ts's.
import * as tf from './tf.js';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { vaeFingerprint } from './fingerprint.js';
import { toHex } from '../sha256.js';
import type { Vae } from './architecture.js';
import { architectureOf } from './architectures.js';
import { MODEL_JSON } from './directory.js';
import { MANIFEST_FILE, MODEL_DIRECTORY_FORMAT, type ModelManifest, manifestText } from './manifest.js';

export const WEIGHTS_BIN = 'weights.bin';

interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

export async function saveLayersModel(model: tf.LayersModel, directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightSpecs = artifacts.weightSpecs ?? [];
      const nonFloat = weightSpecs.find((spec) => spec.dtype !== 'float32');
      if (nonFloat) throw new Error(`saveLayersModel: weight ${nonFloat.name} is ${nonFloat.dtype}, expected float32`);
      const json: ModelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
      };
      await writeFileAtomically(path.join(directory, WEIGHTS_BIN), joinWeightData(artifacts.weightData));
      await writeFileAtomically(path.join(directory, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Writes one folder per network (encoder/, decoder/, ...) into `directory`. */
export async function saveNetworks(vae: Vae, directory: string): Promise<void> {
  for (const name of architectureOf(vae.spec).networkNames) await saveLayersModel(vae.networks[name]!, path.join(directory, name));
}

/** What a manifest says beyond the networks themselves. */
export type ManifestDetails = Pick<ModelManifest, 'itemShape' | 'initSeed' | 'coding' | 'heldOut' | 'training'>;

/** The manifest describing `vae` (its fingerprint and weight sizes computed here). */
export function manifestOf(vae: Vae, details: ManifestDetails): ModelManifest {
  const weightBytes = Object.fromEntries(architectureOf(vae.spec).networkNames.map((name) => [name, 4 * vae.networks[name]!.countParams()]));
  return {
    format: MODEL_DIRECTORY_FORMAT, name: vae.spec.name, itemShape: details.itemShape, maxPixelValue: vae.spec.maxPixelValue,
    spec: vae.spec, initSeed: details.initSeed, coding: details.coding, fingerprint: toHex(vaeFingerprint(vae)), weightBytes,
    ...(details.heldOut && { heldOut: details.heldOut }), ...(details.training && { training: details.training }),
  };
}

/** A complete model directory: the networks, then the manifest last, so a directory with a manifest is whole. */
export async function saveModelDirectory(vae: Vae, directory: string, details: ManifestDetails): Promise<void> {
  await saveNetworks(vae, directory);
  await writeFileAtomically(path.join(directory, MANIFEST_FILE), manifestText(manifestOf(vae, details)));
}
