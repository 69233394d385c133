// Runs a network on one batch on the tfjs backend and reads its outputs back, with an optional
// transform of the outputs in the same tidy (tidy must not return typed arrays: it walks them).
import * as tf from './tf.js';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Where an output of `size` values is read to, asked once per output: a new array unless the caller reuses its own (one reused array serves a network of one output). */
export type OutputArray = (size: number) => Float32Array;
const fresh: OutputArray = (size) => new Float32Array(size);

/**
 * Copies a float32 tensor's values into `out`. On the wasm backend they are read through a view
 * of its heap, which allocates nothing (dataSync makes a new array every call: per image coded,
 * 25 KB of garbage for the local AR decoder, whose collection on V8's helper threads took the
 * core the other worker needed).
 */
function readInto(tensor: tf.Tensor, out: Float32Array): Float32Array {
  const backend = tf.backend();
  out.set(backend instanceof BackendWasm ? (backend.typedArrayFromHeap(tensor) as Float32Array) : (tensor.dataSync() as Float32Array));
  return out;
}

export function runNetwork(model: tf.LayersModel, input: Float32Array, batch: number, width: number, after?: (outputs: tf.Tensor[]) => tf.Tensor[], into: OutputArray = fresh): Float32Array[] {
  const outputs = tf.tidy(() => {
    const raw = model.predict(tf.tensor2d(input, [batch, width]), { batchSize: batch });
    const list = Array.isArray(raw) ? raw : [raw];
    return after ? after(list) : list;
  });
  try {
    return outputs.map((t) => readInto(t, into(t.size)));
  } finally {
    tf.dispose(outputs);
  }
}
