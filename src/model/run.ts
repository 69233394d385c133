// Runs a network on one batch on the tfjs backend and reads its outputs back, with an optional
// transform of the outputs in the same tidy (tidy must not return typed arrays: it walks them).
import * as tf from './tf.js';

export function runNetwork(model: tf.LayersModel, input: Float32Array, batch: number, width: number, after?: (outputs: tf.Tensor[]) => tf.Tensor[]): Float32Array[] {
  const outputs = tf.tidy(() => {
    const raw = model.predict(tf.tensor2d(input, [batch, width]), { batchSize: batch });
    const list = Array.isArray(raw) ? raw : [raw];
    return after ? after(list) : list;
  });
  try {
    return outputs.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(outputs);
  }
}
