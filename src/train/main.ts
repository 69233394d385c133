// `bbans train --model mnist-binary|mnist-8bit [options]` (also `npm run train -- ...`).
import { useWasmBackend } from '../model/backend.js';
import { installTransposeFreeMatMul } from '../model/wasm-matmul.js';
import { parseTrainCommand } from './args.js';
import { train } from './trainer.js';

export { USAGE as TRAIN_USAGE, UsageError as TrainUsageError } from './args.js';

export async function runTrain(argv: string[]): Promise<void> {
  const command = parseTrainCommand(argv);
  await useWasmBackend();
  // Training's gradients multiply transposed matrices; only this process swaps in the fast kernel.
  installTransposeFreeMatMul();
  await train(command);
}
