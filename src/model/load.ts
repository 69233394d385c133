// Loads a tfjs layers model (model.json + weight shards) from a folder URL: file: in Node, http(s)
// in a browser. The one loader for shipped models, user folders and training checkpoints.

import * as tf from '@tensorflow/tfjs';
import { readAsset } from '../assets.js';

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** `folder` must end in '/', so file names resolve inside it. */
export async function loadLayersModelFrom(folder: URL): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(await readAsset(new URL('model.json', folder)))) as ModelJson;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((file) => readAsset(new URL(file, folder))));
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  shards.reduce((at, s) => (weightData.set(s, at), at + s.length), 0);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }));
}
