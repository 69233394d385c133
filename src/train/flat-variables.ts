// The trainable variables of a model laid end to end in one Float32Array, in trainableVariables
// order: how weights and gradients cross between the threads of data-parallel training (a
// SharedArrayBuffer each, written by one thread and read by the other, never copied per worker).
import * as tf from '../model/tf.js';

export class FlatVariables {
  readonly offsets: number[] = [];
  /** Floats in all. */
  readonly size: number;

  constructor(readonly variables: tf.Variable[]) {
    let offset = 0;
    for (const variable of variables) {
      this.offsets.push(offset);
      offset += variable.size;
    }
    this.size = offset;
  }

  /** A Float32Array for all of them, on shared memory. */
  sharedArray(): Float32Array {
    return new Float32Array(new SharedArrayBuffer(this.size * Float32Array.BYTES_PER_ELEMENT));
  }

  /** Copies `tensors` (one a variable, in order: the variables themselves, or their gradients) into `out`. */
  write(tensors: tf.Tensor[], out: Float32Array): void {
    tensors.forEach((tensor, i) => out.set(tensor.dataSync() as Float32Array, this.offsets[i]));
  }

  /** Sets the variables to the values in `from`. */
  assign(from: Float32Array): void {
    tf.tidy(() => this.variables.forEach((variable, i) => variable.assign(this.slice(from, i))));
  }

  /** The values in `from` as tensors named by their variables, as optimizer.applyGradients takes them. */
  named(from: Float32Array): tf.NamedTensorMap {
    return Object.fromEntries(this.variables.map((variable, i) => [variable.name, this.slice(from, i)]));
  }

  private slice(from: Float32Array, i: number): tf.Tensor {
    const variable = this.variables[i]!;
    return tf.tensor(from.subarray(this.offsets[i], this.offsets[i]! + variable.size), variable.shape, 'float32');
  }
}
