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
// - chained ops, i.e. tensor methods such as `t.add(b)`: only the umbrella registers them (on the
//   shared Tensor prototype), so bbans calls the ops as functions (`tf.add(t, b)`) and touches no
//   tfjs state beyond its choice of backend. tfjs-core's own declarations of the methods are not
//   imported, so a method call fails the type check.

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
