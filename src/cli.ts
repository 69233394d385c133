#!/usr/bin/env node
// The `bbans` command. It exits as soon as main() is done: every output has been written by then,
// and native helpers some commands load (the benchmark's baselines) can keep the event loop alive.
import { startFrameWorkersEarly } from './cli/early-workers.js';

startFrameWorkersEarly(process.argv.slice(2));
// Loaded after the workers have started (see cli/early-workers.ts).
const { main } = await import('./cli/main.js');
const { OutputClosed } = await import('./cli/errors.js');

// The same EPIPE also arrives as an 'error' event on stdout, which unhandled would crash the process.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(new OutputClosed().exitCode);
});

process.exit(await main(process.argv.slice(2)));
