// `bbans train` (also `npm run train -- ...`): parses the command line, prints a line per epoch,
// and turns Ctrl-C into a clean stop that keeps the best model so far (a second Ctrl-C quits at once).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useWasmBackend } from '../model/backend.js';
import { installTransposeFreeMatMul } from '../model/wasm-matmul.js';
import { parseTrainCommand } from './args.js';
import { checkpointDirectory } from './checkpoint.js';
import { type EpochReport, train } from './index.js';
import { mnistSettings } from './settings.js';
import { runTraining } from './trainer.js';
import { mnistTrainingSets } from './dataset.js';
import { availableThreads } from '../workers/pool.js';

export { USAGE as TRAIN_USAGE, UsageError as TrainUsageError } from './args.js';

function minutes(seconds: number): string {
  return seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

/** "epoch 7: train 2.1034, held-out 2.1522 bits/dim (best 2.1498 at epoch 6), lr 0.001, 3.2 s, about 12 min left" */
function epochLine(report: EpochReport): string {
  return `epoch ${report.epoch}: train ${report.trainBitsPerDim.toFixed(4)}, held-out ${report.heldOutBitsPerDim.toFixed(4)} bits/dim ` +
    `(best ${report.bestBitsPerDim.toFixed(4)} at epoch ${report.bestEpoch}), lr ${report.learningRate}, ${report.seconds.toFixed(1)} s` +
    (report.secondsLeft === undefined ? '' : `, at most ${minutes(report.secondsLeft)} left`);
}

/** Aborts `controller` on the first Ctrl-C; the second exits at once. Returns the uninstaller. */
function stopOnInterrupt(controller: AbortController, say: (line: string) => void): () => void {
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    say('\nstopping after this step (Ctrl-C again to quit now); the model directory keeps the best epoch so far');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

export async function runTrain(argv: string[]): Promise<number> {
  const command = parseTrainCommand(argv);
  const say = (line: string): void => console.log(line);
  if (command.kind === 'mnist') {
    const { requireMnistData } = await import('../data/mnist.js');
    requireMnistData(`training ${command.model}`);
    const settings = { ...mnistSettings(command.model), ...(command.batchSize && { batchSize: command.batchSize }), ...(command.learningRate && { learningRate: command.learningRate }), ...(command.seed !== undefined && { seed: command.seed }), threads: command.threads ?? availableThreads() };
    const directory = path.join(command.modelsDir, command.model);
    await useWasmBackend();
    installTransposeFreeMatMul();
    await mkdir(directory, { recursive: true });
    await runTraining({
      settings, directory, epochs: command.epochs ?? settings.decayEpochs ?? 1000, log: say, record: { command: `npm run train -- --model ${command.model}` },
      resume: !command.fresh && existsSync(path.join(checkpointDirectory(directory), 'state.json')),
      ...mnistTrainingSets(settings),
      onEpoch: (report) => say(epochLine(report)),
    });
    return 0;
  }
  const { options, quiet } = command;
  const controller = new AbortController();
  const uninstall = stopOnInterrupt(controller, (line) => console.error(line));
  try {
    const result = await train({
      ...options, signal: controller.signal, log: quiet ? undefined : say, record: { command: `bbans train ${argv.join(' ')}` },
      onEpoch: quiet ? undefined : (report) => say(epochLine(report)),
    });
    if (result.keptEpoch === 0) {
      console.error(`bbans: interrupted before the first epoch ended; nothing kept${existsSync(options.out) ? '' : ` (${options.out} removed)`}`);
      return 130;
    }
    say(`${result.stopped === 'aborted' ? 'interrupted' : `stopped (${result.stopped})`} after epoch ${result.epochsCompleted}; ${options.out} holds epoch ${result.keptEpoch}: held-out ${result.heldOutBitsPerDim.toFixed(4)} bits/dim`);
    return result.stopped === 'aborted' ? 130 : 0;
  } finally {
    uninstall();
  }
}
