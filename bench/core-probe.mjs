// What this machine's cores give right now, whatever bbans does: a fixed chain of float
// multiply-adds (no memory traffic, no allocation), timed in ms; bench/scale.mjs runs it pinned to
// each core alone and then on all cores at once (table 1d). Prints the ms.
import { performance } from 'node:perf_hooks';

const started = performance.now();
let x = 1.0001;
for (let i = 0; i < 4e8; i++) x = x * 1.0000001 + 1e-9;
if (x === 0) console.error('unreachable: keeps the loop from being optimised away');
console.log(Math.round(performance.now() - started));
