// `npm run fuzz [-- --cases N --images K --seed S]`: the hostile-container test, longer and on
// bigger inputs, for both shipped models. Prints what each mutation was refused with.
import { parseArgs } from 'node:util';
import { compress } from '../src/api.js';
import { SHIPPED_SPECS } from '../src/model/spec.js';
import { loadModel } from '../src/models.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { fuzzContainers } from '../test/fuzz.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '50000' },
    images: { type: 'string', default: '40' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
  },
});
const cases = Number(values.cases);
const images = Number(values.images);
for (const name of Object.keys(SHIPPED_SPECS)) {
  const model = await loadModel(name);
  const source = model.spec.maxPixelValue === 1 ? loadBinarizedMnistTest() : loadMnistImages('test');
  const pixels = new Uint8Array(source.pixels.subarray(0, images * 784));
  const container = await compress(pixels, { model, chains: 8 });
  const started = Date.now();
  const report = await fuzzContainers(container, pixels, model, cases, Number(values.seed));
  console.log(`${name}: seed ${values.seed}, ${images} images, ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.exact} exact, refused ${JSON.stringify(report.refusals)}`);
}
