// Writes demo/mnist-test-sample.bin: the first SAMPLE_COUNT MNIST test digits for the demo page,
// so the page needs no MNIST download. Run with `npm run build:demo-sample`.
// Layout (see SAMPLE_LAYOUT in demo.js): count labels, then count x 784 8-bit pixels, then
// count x 784 pixels of the benchmark's binarization (0/1), each image row-major.
import { writeFileSync } from 'node:fs';
import { loadBinarizedMnistTest, loadMnistImages, loadMnistLabels, MNIST_PIXELS } from '../src/data/mnist.js';

const SAMPLE_COUNT = 100;

const gray = loadMnistImages('test').pixels.subarray(0, SAMPLE_COUNT * MNIST_PIXELS);
const binary = loadBinarizedMnistTest().pixels.subarray(0, SAMPLE_COUNT * MNIST_PIXELS);
const labels = loadMnistLabels('test').subarray(0, SAMPLE_COUNT);

const out = new Uint8Array(SAMPLE_COUNT * (1 + 2 * MNIST_PIXELS));
out.set(labels, 0);
out.set(gray, SAMPLE_COUNT);
out.set(binary, SAMPLE_COUNT * (1 + MNIST_PIXELS));
const file = new URL('./mnist-test-sample.bin', import.meta.url);
writeFileSync(file, out);
console.log(`wrote ${file.pathname}: ${SAMPLE_COUNT} digits, ${out.length} bytes`);
