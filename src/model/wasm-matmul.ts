// The tfjs wasm BatchMatMul is fast (XNNPACK) only without transpose flags; with transposeA or
// transposeB it falls back to a loop that measured 8-14x slower here, and every matMul gradient
// uses those flags. This wraps the kernel so transposed operands are first transposed
// explicitly (a cheap copy) and the product runs on the fast path.
import * as tf from './tf.js';

const BACKEND = 'wasm';
let installed = false;

type KernelInputs = Parameters<tf.KernelFunc>[0];

function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

/** Replaces the wasm BatchMatMul kernel by the transpose-free wrapper (idempotent). */
export function installTransposeFreeMatMul(): void {
  if (installed) return;
  const matMul = tf.getKernel(tf.BatchMatMul, BACKEND);
  const transpose = tf.getKernel(tf.Transpose, BACKEND);
  if (!matMul || !transpose) throw new Error('installTransposeFreeMatMul: wasm kernels are not registered');

  const kernelFunc = ({ inputs, backend, attrs }: KernelInputs) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return matMul.kernelFunc({ inputs, backend, attrs });
    const temporaries: tf.TensorInfo[] = [];
    const untransposed = (x: tf.TensorInfo, flag: boolean): tf.TensorInfo => {
      if (!flag) return x;
      const y = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLastTwoAxes(x.shape.length) } }) as tf.TensorInfo;
      temporaries.push(y);
      return y;
    };
    const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const result = matMul.kernelFunc({
      inputs: { a: untransposed(a, transposeA), b: untransposed(b, transposeB) },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const temporary of temporaries) (backend as tf.KernelBackend).disposeData(temporary.dataId);
    return result;
  };

  tf.unregisterKernel(tf.BatchMatMul, BACKEND);
  tf.registerKernel({ ...matMul, kernelFunc });
  installed = true;
}
