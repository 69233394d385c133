// The tfjs API bbans uses, as one `tf` namespace (`import * as tf from './tf.js'`): tensors, ops,
// io, train, env and the kernel and gradient registries from @tensorflow/tfjs-core; layers, input,
// model, LayersModel, SymbolicTensor, initializers, loadLayersModel, version_layers from
// @tensorflow/tfjs-layers. The two packages export no name in common. bbans depends on them and
// @tensorflow/tfjs-backend-wasm only, not on the @tensorflow/tfjs umbrella (which adds the webgl
// and cpu backends, the converter, tfjs-data and their dependencies).
//
// What the umbrella registered on import, and where it comes from now:
// - kernels: the wasm backend registers its own (backend.ts imports it);
// - optimizers (train.adam): tfjs-core's entry;
// - gradients (training): tfjs-layers' entry imports @tensorflow/tfjs-core/dist/register_all_gradients
//   (its Node bundle carries the same registrations), so importing tfjs-layers is enough;
// - chained ops, i.e. tensor methods such as `t.add(b)`: the umbrella imported tfjs-core's
//   register_all_chained_ops, which no other tfjs package does and which Node cannot load (tfjs-core's
//   dist/*.js are ES modules without file extensions in a CommonJS package). So the methods bbans
//   calls are registered below, as tfjs-core's chained_ops/*.js do it: `this.throwIfDisposed()`,
//   then the op with the tensor as first argument. The type imports pull in tfjs-core's own
//   declarations of exactly these methods, so calling one not registered here fails the type check.
import { Tensor, add, div, expandDims, greaterEqual, lessEqual, mean, mul, reshape, square, sub, sum } from '@tensorflow/tfjs-core';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/add.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/div.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/expand_dims.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/greater_equal.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/less_equal.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/mean.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/mul.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/reshape.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/square.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/sub.js';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/sum.js';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

const CHAINED_OPS: Record<string, (x: Tensor, ...args: never[]) => Tensor> = {
  add, div, expandDims, greaterEqual, lessEqual, mean, mul, reshape, square, sub, sum,
};
const prototype = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, op] of Object.entries(CHAINED_OPS)) {
  // Left alone if something (the umbrella, loaded by the host app) registered it already.
  prototype[name] ??= function chainedOp(this: Tensor, ...args: never[]): Tensor {
    this.throwIfDisposed();
    return op(this, ...args);
  };
}
