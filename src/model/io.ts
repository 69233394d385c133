// Saving and loading LayersModels as the standard tfjs "layers-model" pair
// (model.json + weights.bin) in a local directory; tfjs-node's file:// handler is not
// available here. Writes go through a temporary name + rename so a crash never leaves a
// half-written model.json next to a stale weights file.
import * as tf from '@tensorflow/tfjs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadLayersModelFrom } from './load.js';
import type { Vae } from './architecture.js';
import { architectureOf } from './architectures.js';
import type { ModelSpec } from './spec.js';

export const MODEL_JSON = 'model.json';
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

export function loadLayersModel(directory: string): Promise<tf.LayersModel> {
  return loadLayersModelFrom(pathToFileURL(path.join(directory, path.sep)));
}

/** A model directory holds one folder per network (encoder/, decoder/, ...), each a model.json + weights.bin pair. */
export async function saveVae(vae: Vae, directory: string): Promise<void> {
  for (const name of architectureOf(vae.spec).networkNames) await saveLayersModel(vae.networks[name]!, path.join(directory, name));
}

export async function loadVae(directory: string, spec: ModelSpec): Promise<Vae> {
  const names = architectureOf(spec).networkNames;
  const models = await Promise.all(names.map((name) => loadLayersModel(path.join(directory, name))));
  return { spec, networks: Object.fromEntries(names.map((name, i) => [name, models[i]!])) };
}
