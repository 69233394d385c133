// Dispatches `bbans <command>` and turns every failure into one line on stderr and an exit code
// (1 for a failed operation, 2 for a usage mistake); the stack only with --verbose.

import { readFileSync } from 'node:fs';
import { CliError, UsageError } from './errors.js';
import { binarizeCommand, compressCommand, decompressCommand, infoCommand } from './commands.js';

const USAGE = `usage: bbans <command> [options]    (bbans <command> --help for its options)
  compress     compress a .npy or idx file (or raw pixels) with a model
  decompress   restore the original file byte for byte
  info         print the header of a .bbans file
  bench        the paper's table on the MNIST test set, or on your own images and model
  train        train a model for your own images (or retrain a shipped one)
  binarize     binarize an idx file (numpy RandomState rule or a threshold)
  --version, --help, --verbose (stack traces on errors)`;

const BENCH_USAGE = `usage: bbans bench [--json] [--count N] [--chains B] [--models mnist-binary,mnist-8bit] [--no-baselines] [--plot FILE.svg]
       bbans bench --data FILE [--shape H,W] --model DIR [--json] [--count N] [--chains B] [--no-baselines] [--plot FILE.svg]
  Compresses the MNIST test set with the shipped models (or FILE's images with the model DIR),
  checks every round trip, and prints the paper's table with classical codecs measured on the same
  bytes (those need the repository's dev dependencies).`;

const COMMANDS: Record<string, (argv: string[]) => Promise<unknown>> = {
  compress: compressCommand,
  decompress: decompressCommand,
  info: infoCommand,
  async bench(argv) {
    if (argv.includes('--help') || argv.includes('-h')) return void console.log(BENCH_USAGE);
    const { runBench } = await import('../bench.js');
    if (!(await runBench(argv))) throw new CliError('benchmark round trip failed');
  },
  async train(argv) {
    const { runTrain, TrainUsageError, TRAIN_USAGE } = await import('../train/main.js');
    if (argv.includes('--help') || argv.includes('-h')) return void console.log(TRAIN_USAGE);
    try {
      const code = await runTrain(argv);
      if (code !== 0) throw new CliError('training was interrupted', code);
    } catch (error) {
      if (error instanceof TrainUsageError) throw new UsageError(error.message);
      throw error;
    }
  },
  binarize: binarizeCommand,
};

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const [command, ...rest] = args;
  try {
    if (command === '--version' || command === '-V') console.log(version());
    else if (command === undefined || command === '--help' || command === '-h') console.log(USAGE);
    else if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    else await COMMANDS[command]!(rest);
    return 0;
  } catch (error) {
    console.error(`bbans: ${error instanceof Error ? error.message : String(error)}`);
    if (verbose && error instanceof Error) console.error(error.stack);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
