// Entry point of `npm run train -- --model mnist-binary|mnist-8bit [options]`.
import { useWasmBackend } from '../model/backend.js';
import { parseTrainCommand, UsageError } from './args.js';
import { train } from './trainer.js';

try {
  const command = parseTrainCommand(process.argv.slice(2));
  await useWasmBackend();
  await train(command);
} catch (error) {
  // A crash in a long background run needs its stack; a usage mistake does not.
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = 1;
}
