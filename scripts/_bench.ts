import { Message, localAutoregressive, pixelNetwork } from '../src/core.js';
import { readFileSync } from 'node:fs';
const raw = readFileSync('/tmp/nat/photos-test.npy');
const lanes = 256, P = 1024;
const imgs = raw.subarray(raw.length - lanes * P);
const symbols = new Uint32Array(P * lanes);
for (let b = 0; b < lanes; b++) for (let t = 0; t < P; t++) symbols[t * lanes + b] = imgs[b * P + t]!;
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
function run(K: number, hidden: number[], rows: number, half: number, context: 'predictive' | 'window') {
  const nb = rows * (2 * half + 1) + half;
  const widths = [nb + (context === 'predictive' ? 5 : 0) + 8, ...hidden, 3 * K];
  const layers = widths.slice(1).map((o, l) => ({ inputs: widths[l]!, outputs: o, kernel: Float32Array.from({ length: widths[l]! * o }, () => (rnd() - 0.5) * 0.3), bias: Float32Array.from({ length: o }, () => (rnd() - 0.5) * 0.3) }));
  const net = pixelNetwork({ likelihood: 'logistic-mixture', components: K, height: 32, width: 32, maxValue: 255, context, window: { rows, halfWidth: half }, features: 8, sharedFeatures: true, layers });
  const feats = Float32Array.from({ length: lanes * 8 }, () => rnd() - 0.5);
  const codec = localAutoregressive(net, feats, lanes, 24);
  let best = Infinity, bestPop = Infinity;
  for (let i = 0; i < 3; i++) {
    const m = Message.create(lanes); let t = performance.now(); codec.push(m, symbols); best = Math.min(best, performance.now() - t);
    const d = Message.fromBytes(m.toBytes()); t = performance.now(); codec.pop(d); bestPop = Math.min(bestPop, performance.now() - t); m.free(); d.free();
  }
  console.log(context, `K=${K} hidden=${hidden} win=${rows}x${half}`, 'push', (lanes * P / best / 1000).toFixed(2), 'Mpx/s', 'pop', (lanes * P / bestPop / 1000).toFixed(2), 'Mpx/s');
}
run(4, [32, 32], 3, 3, 'predictive');
run(1, [32, 32], 3, 3, 'predictive');
run(4, [], 3, 3, 'predictive');
run(4, [32, 32], 2, 2, 'predictive');
run(3, [48, 48], 2, 2, 'window');
