// A model directory's manifest.json: what the model is (architecture spec, item shape, pixel range),
// how to code with it, the fingerprint that ties files to it, and how it was trained. The one
// place that knows the directory format and its version; a manifest from elsewhere is untrusted
// input, so parseManifest checks every field before anything is built from it.
//
//   <dir>/manifest.json
//   <dir>/<network>/model.json + weights.bin   (tfjs layers format), one folder per network
import { FINGERPRINT_BYTES, MAX_MODEL_NAME } from '../format/fields.js';
import { MAX_BINS_LOG2, MAX_PRECISION } from '../codecs.js';
import { elementCount } from '../shape.js';
import { ARCHITECTURE_NAMES, architectureOf } from './architectures.js';
import type { ModelSpec } from './spec.js';
import type { CodingSettings } from './architecture.js';
import { integerField, integerList, invalidModel, objectField, oneOf } from './spec-check.js';

export const MODEL_DIRECTORY_FORMAT = 'bbans-model-v1';
export const MANIFEST_FILE = 'manifest.json';
/** A manifest is small; anything larger is refused before it is parsed. */
export const MAX_MANIFEST_BYTES = 1 << 20;

export interface ModelManifest {
  format: typeof MODEL_DIRECTORY_FORMAT;
  name: string;
  /** Shape of one image, [height, width] (or [pixels] for the paper's VAEs' flat items). */
  itemShape: number[];
  /** Pixels take values 0..maxPixelValue. */
  maxPixelValue: number;
  spec: ModelSpec;
  /** Seed of the weight initialisers, which tfjs records in the topology (and so in the fingerprint). */
  initSeed: number;
  /** What compress codes with unless told otherwise. */
  coding: CodingSettings;
  /** Hex of the first 16 bytes of SHA-256 over the networks (fingerprintOf); loading checks it. */
  fingerprint: string;
  /** Bytes of float32 weights each network's weights.bin holds. */
  weightBytes: Record<string, number>;
  /** The held-out images' negative ELBO, the model's expected rate. */
  heldOut?: { images: number; negativeElboBitsPerDim: number; data: string };
  /** How it was trained: free-form record (settings, data, epochs, time); not read by bbans. */
  training?: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and checks a manifest's text; `where` names it in errors. */
export function parseManifest(bytes: Uint8Array, where: string): ModelManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) invalidModel(`${where}: manifest of ${bytes.length} bytes exceeds ${MAX_MANIFEST_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    invalidModel(`${where}: not a JSON manifest (${(error as Error).message})`);
  }
  if (!isObject(json)) invalidModel(`${where}: the manifest must be a JSON object`);
  if (json.format !== MODEL_DIRECTORY_FORMAT) {
    invalidModel(`${where}: unknown model directory format ${JSON.stringify(json.format)} (this build reads ${MODEL_DIRECTORY_FORMAT})`);
  }
  try {
    return checkManifest(json);
  } catch (error) {
    if (error instanceof Error) error.message = `${where}: ${error.message}`;
    throw error;
  }
}

function checkManifest(json: Record<string, unknown>): ModelManifest {
  const { name } = json;
  if (typeof name !== 'string' || !/^[\x21-\x7e]+$/.test(name) || name.length > MAX_MODEL_NAME) invalidModel(`model name must be 1..${MAX_MODEL_NAME} printable ASCII characters, got ${JSON.stringify(name)}`);
  const itemShape = integerList(json, 'itemShape', [1, 2], 1, 2 ** 24);
  const maxPixelValue = integerField(json, 'maxPixelValue', 1, 65535);
  const spec = objectField(json, 'spec');
  oneOf(spec, 'architecture', ARCHITECTURE_NAMES);
  architectureOf(spec as unknown as ModelSpec).checkSpec(spec);
  const modelSpec = spec as unknown as ModelSpec;
  if (modelSpec.name !== name) invalidModel(`spec name ${JSON.stringify(modelSpec.name)} differs from the model name ${name}`);
  if (modelSpec.maxPixelValue !== maxPixelValue) invalidModel(`spec maxPixelValue ${modelSpec.maxPixelValue} differs from the manifest's ${maxPixelValue}`);
  if (elementCount(itemShape) !== modelSpec.pixels) invalidModel(`itemShape ${itemShape.join('x')} does not hold the spec's ${modelSpec.pixels} pixels`);
  const fixedShape = architectureOf(modelSpec).itemShape(modelSpec);
  if (fixedShape && itemShape.join() !== fixedShape.join()) invalidModel(`itemShape ${itemShape.join('x')} is not the spec's ${fixedShape.join('x')}`);
  const initSeed = integerField(json, 'initSeed', 0, 0xffffffff);
  const coding = objectField(json, 'coding');
  const binsLog2 = integerField(coding, 'binsLog2', 1, MAX_BINS_LOG2);
  const codingDefaults = {
    likelihoodPrecision: integerField(coding, 'likelihoodPrecision', 1, MAX_PRECISION),
    binsLog2,
    posteriorPrecision: integerField(coding, 'posteriorPrecision', binsLog2 + 1, MAX_PRECISION),
  };
  const { fingerprint } = json;
  if (typeof fingerprint !== 'string' || !new RegExp(`^[0-9a-f]{${2 * FINGERPRINT_BYTES}}$`).test(fingerprint)) invalidModel(`fingerprint must be ${2 * FINGERPRINT_BYTES} lowercase hex digits`);
  const weights = objectField(json, 'weightBytes');
  const weightBytes: Record<string, number> = {};
  for (const network of architectureOf(modelSpec).networkNames) weightBytes[network] = integerField(weights, network, 4, 4 * 2 ** 25);
  const manifest: ModelManifest = { format: MODEL_DIRECTORY_FORMAT, name, itemShape, maxPixelValue, spec: modelSpec, initSeed, coding: codingDefaults, fingerprint, weightBytes };
  if (json.heldOut !== undefined) {
    const heldOut = objectField(json, 'heldOut');
    if (typeof heldOut.negativeElboBitsPerDim !== 'number' || typeof heldOut.data !== 'string') invalidModel('heldOut must give negativeElboBitsPerDim and data');
    manifest.heldOut = { images: integerField(heldOut, 'images', 0, 2 ** 32), negativeElboBitsPerDim: heldOut.negativeElboBitsPerDim, data: heldOut.data };
  }
  if (json.training !== undefined) manifest.training = objectField(json, 'training');
  return manifest;
}

export function manifestText(manifest: ModelManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
