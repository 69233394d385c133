#!/usr/bin/env node
// The `bbans` command. It exits as soon as main() is done: every output has been written by then,
// and native helpers some commands load (the benchmark's baselines) can keep the event loop alive.
import { main } from './cli/main.js';

process.exit(await main(process.argv.slice(2)));
