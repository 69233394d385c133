// Dispatches `bbans <command>` and turns every failure into one line on stderr and an exit code
// (1 for a failed operation, 2 for a usage mistake); the stack only with --verbose.

import { readFileSync } from 'node:fs';
import { CliError, OutputClosed, UsageError } from './errors.js';
import { STDIO } from './files.js';
import { binarizeCommand, infoCommand } from './commands.js';
import { compressCommand, decompressCommand } from './codec.js';

const USAGE = `usage: bbans <command> [options]    (bbans <command> --help for its options)
  compress     compress .npy or idx files (or raw pixels) with a model (also: bbans -c, -k, -f, ...)
  decompress   restore the original files byte for byte (also: bbans -d FILE..., bbans -t FILE... to test)
  info         print the header of a .bbans file
  bench        the paper's table on the MNIST test set, or on your own images and model
  train        train a model for your own images (or retrain a shipped one)
  binarize     binarize an idx file (numpy RandomState rule or a threshold)
  --version, --help, --verbose (stack traces on errors)
Exit codes: 0 success, 1 an operation failed, 2 a usage mistake, 130 training interrupted,
141 standard output closed by its reader.`;

const BENCH_USAGE = `usage: bbans bench [--json] [--count N] [--chains B] [--threads T] [--models mnist-binary,mnist-8bit] [--no-baselines] [--plot FILE.svg]
       bbans bench --data FILE [--shape H,W] --model DIR [--json] [--count N] [--chains B] [--threads T] [--no-baselines] [--plot FILE.svg]
  Compresses the MNIST test set with the shipped models (or FILE's images with the model DIR),
  checks every round trip, and prints the paper's table with classical codecs measured on the same
  bytes (those need the repository's dev dependencies).`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number | void>> = {
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
      return await runTrain(argv);
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
    else if (command === undefined && !process.stdin.isTTY) return await compressCommand([]);
    else if (command === undefined || command === '--help' || command === '-h') console.log(USAGE);
    // gzip's habit: options first mean compress (-d: decompress, -t: test), e.g. bbans -d x.npy.bbans
    else if (command.startsWith('-') && command !== STDIO) return (await compressCommand(args)) ?? 0;
    else if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    else return (await COMMANDS[command]!(rest)) ?? 0;
    return 0;
  } catch (error) {
    if (error instanceof OutputClosed) return error.exitCode;
    console.error(`bbans: ${error instanceof Error ? error.message : String(error)}`);
    if (verbose && error instanceof Error) console.error(error.cause instanceof Error ? error.cause.stack : error.stack);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
