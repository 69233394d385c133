// The whole CLI on the 10k MNIST test set, start-up included: `bbans compress` and `decompress`
// with -T 1 and -T 2, and two -T 1 processes side by side (each the whole set), which is what
// this machine gives two copies of the same work at once. Prints images/s at -T 1, the -T 2
// speed-up, the ceiling (twice the -T 1 rate over the slower of the pair) and their ratio.
//
//   node bench/cli-threads.mjs [--model NAME] [--binary] [--repeat R] [--json]
//
// Needs dist/ (npm run build). Best of R runs each, in alternating turns (this VM's cores change
// speed from minute to minute); every output is compared with its input.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: args } = parseArgs({ options: { model: { type: 'string' }, binary: { type: 'boolean', default: false }, repeat: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'cli.js');
const { mnistFilePath } = await import(path.join(root, 'dist', 'data', 'mnist.js'));
const scratch = mkdtempSync(path.join(tmpdir(), 'bbans-cli-threads-'));
const input = path.join(scratch, 'images.idx');
const images = 10000;

/** Runs the CLI; resolves with its wall time in seconds. */
function run(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`bbans ${argv.join(' ')} exited with ${code}`))));
  });
}

try {
  if (args.binary) await run(['binarize', mnistFilePath('test', 'images'), '-o', input]);
  else copyFileSync(mnistFilePath('test', 'images'), input);
  const model = args.model ? ['--model', args.model] : [];
  const coded = (tag) => path.join(scratch, `${tag}.bbans`);
  const ops = {
    compress: (tag, threads) => ['compress', '-T', String(threads), ...model, '-f', '-o', coded(tag), input],
    decompress: (tag, threads) => ['decompress', '-T', String(threads), ...model, '-f', '-o', path.join(scratch, `${tag}.idx`), coded('a')],
  };
  await run(ops.compress('a', 1)); // the file every decompress reads, and a warm disk cache
  const best = {};
  for (let r = 0; r < Number(args.repeat); r++) {
    for (const [op, argv] of Object.entries(ops)) {
      const times = best[op] ??= { one: Infinity, two: Infinity, pair: Infinity };
      times.one = Math.min(times.one, await run(argv('b', 1)));
      times.two = Math.min(times.two, await run(argv('c', 2)));
      const pair = await Promise.all([run(argv('d', 1)), run(argv('e', 1))]);
      times.pair = Math.min(times.pair, Math.max(...pair));
    }
  }
  const original = readFileSync(input);
  for (const tag of ['b', 'c', 'd', 'e']) if (!readFileSync(path.join(scratch, `${tag}.idx`)).equals(original)) throw new Error(`decompress ${tag} did not give the images back`);
  for (const tag of ['b', 'c', 'd', 'e']) if (!readFileSync(coded(tag)).equals(readFileSync(coded('a')))) throw new Error(`compress ${tag} wrote other bytes`);
  const rows = Object.entries(best).map(([op, { one, two, pair }]) => {
    const speedUp = one / two;
    const ceiling = (2 * one) / pair;
    return { op, seconds1: one, seconds2: two, secondsPair: pair, imagesPerSecond1: images / one, speedUp, ceiling, ofCeiling: speedUp / ceiling };
  });
  if (args.json) for (const row of rows) console.log(JSON.stringify(row));
  else {
    console.log(`bbans CLI, 10,000 MNIST test images${args.binary ? ' (binarized)' : ''}, ${args.model ?? 'default model'}, best of ${args.repeat} (seconds, start-up included)`);
    console.log('| op | -T 1 | -T 2 | two -T 1 at once | images/s at -T 1 | speed-up | ceiling | of ceiling |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.op} | ${r.seconds1.toFixed(2)} | ${r.seconds2.toFixed(2)} | ${r.secondsPair.toFixed(2)} | ${Math.round(r.imagesPerSecond1)} | ${r.speedUp.toFixed(2)}x | ${r.ceiling.toFixed(2)}x | ${r.ofCeiling.toFixed(2)} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
