// Starts the frame workers a compress or decompress command will code on before the command loads
// its own modules (tfjs among them, about half a second), so the workers' start-up runs beside the
// calling thread's instead of after it. Only the thread count is read here, and leniently: the
// command line is parsed properly later (cli/main.ts), and a guess that is off only starts workers
// that idle (they hold nothing open) or leaves the pool to start more.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { startNodeWorkersEarly } from '../workers/node-worker.js';

/** The workers `argv` will code on: 0 for commands that code nothing. */
export function earlyWorkerCount(argv: string[]): number {
  const [command] = argv;
  const codes = command === 'compress' || command === 'decompress' || (command?.startsWith('-') && command !== '-');
  if (!codes || argv.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version')) return 0;
  const { values } = parseArgs({ args: argv, options: { threads: { type: 'string', short: 'T' } }, strict: false, allowPositionals: true });
  const threads = Number(values.threads ?? 0);
  // 0 and the default: one per core.
  return Number.isInteger(threads) && threads > 0 ? Math.min(threads, 64) : threads === 0 ? availableParallelism() : 0;
}

export function startFrameWorkersEarly(argv: string[]): void {
  const count = earlyWorkerCount(argv);
  if (count > 0) startNodeWorkersEarly(new URL('../workers/frame-worker.js', import.meta.url), count);
}
