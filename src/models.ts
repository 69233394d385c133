// The models bbans ships (trained by `npm run train`, weights under models/<name>/), loaded once per
// process, and a user's own VAE wrapped the same way (createModel), each with the fingerprint
// (src/model/fingerprint.ts) that ties a compressed file to the exact networks that made it.

import { BbansError, invalidArgument } from './errors.js';
import { MAX_MODEL_NAME } from './format/fields.js';
import { toHex } from './sha256.js';
import type { LatentVariableModel } from './latent-model.js';
import { useWasmBackend } from './model/backend.js';
import { type ModelFiles, filesIn, loadNetworks, readManifest } from './model/directory.js';
import { invalidModel } from './model/spec-check.js';
import { SHIPPED_MODEL_FILES } from './asset-urls.js';
import { nodeBuiltin } from './node-builtins.js';
import type { ModelManifest } from './model/manifest.js';
import type { Architecture, CodingSettings, Networks, Vae } from './model/architecture.js';
import { ARCHITECTURE_NAMES, type CustomModelOptions, architectureOf } from './model/architectures.js';
import { vaeFingerprint } from './model/fingerprint.js';
import { type ModelName, type ModelSpec, SHIPPED_SPECS, isModelName } from './model/spec.js';

/**
 * What coding needs to know of a model before its networks run: read from a model directory's
 * manifest (no tfjs on the calling thread: the workers load the networks) or taken from a loaded model.
 */
export interface ModelInfo {
  name: string;
  spec: ModelSpec;
  /** Shape of one item, e.g. [28, 28]; flat pixel arrays are read as items of this shape. */
  itemShape: number[];
  /** First 16 bytes of SHA-256 over every network's topology and weights. */
  fingerprint: Uint8Array;
  /** What compress uses unless told otherwise. */
  coding: CodingSettings;
  /** The model directory's manifest, for a model loaded from one. */
  manifest?: ModelManifest;
  /** Where it was loaded from (a shipped model's name, a directory's URL), so a worker can load it too. */
  source?: string;
}

export interface CodecModel extends ModelInfo {
  /** The tfjs networks themselves, e.g. to evaluate the model's ELBO. */
  vae: Vae;
  /** The chain's view of the model (per batch, its bits-back codecs), coded as finely as `coding` says. */
  latentVariableModel(coding: CodingSettings): LatentVariableModel;
}

/** Coding settings of a model that says nothing of its own: the architecture's likelihood precision. */
export function defaultCoding(spec: ModelSpec): CodingSettings {
  return { likelihoodPrecision: architectureOf(spec).defaultPrecision(spec), binsLog2: 12, posteriorPrecision: 28 };
}

export function codecModelOf(spec: ModelSpec, itemShape: number[], networks: Networks, coding = defaultCoding(spec), manifest?: ModelManifest, source?: string): CodecModel {
  const architecture = architectureOf(spec);
  architecture.validate(spec, networks);
  const vae = { spec, networks };
  return {
    name: spec.name,
    spec,
    itemShape,
    vae,
    fingerprint: vaeFingerprint(vae),
    coding,
    manifest,
    ...(source !== undefined && { source }),
    latentVariableModel: (settings: CodingSettings) => architecture.codec(vae, settings),
  };
}

/**
 * The best shipped model (lowest measured rate, see the README) for each kind of pixel data:
 * what compress uses when no model is named.
 */
export const BEST_SHIPPED_MODEL = Object.freeze({ binary: 'mnist-binary-ar', eightBit: 'mnist-8bit-ar' } satisfies Record<string, ModelName>);

/** The best shipped model for these pixels: the binary one when every value is 0 or 1. */
export function bestShippedModelFor(pixels: ArrayLike<number>): ModelName {
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > 1) return BEST_SHIPPED_MODEL.eightBit;
  return BEST_SHIPPED_MODEL.binary;
}

/** A shipped model's files, at the URLs the bundler (or the installed package) gives them. */
function shippedFiles(name: ModelName): ModelFiles {
  const table: Readonly<Record<string, URL>> = SHIPPED_MODEL_FILES[name];
  return (path) => table[path] ?? invalidModel(`${name}: the shipped model has no file ${path}`);
}

/** The folder URL (ending in '/') a model source names: a URL, or (in Node) a directory path. */
function modelFolder(source: string | URL): URL {
  const withSlash = (url: URL): URL => (url.pathname.endsWith('/') ? url : new URL(`${url.href}/`));
  if (source instanceof URL) return withSlash(source);
  if (typeof source !== 'string' || source === '') invalidArgument(`a model is a shipped model's name (${Object.keys(SHIPPED_SPECS).join(', ')}), a model directory or its URL, or a loaded model; got ${JSON.stringify(source)}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return withSlash(new URL(source));
  const [fs, path, url] = [nodeBuiltin('node:fs'), nodeBuiltin('node:path'), nodeBuiltin('node:url')];
  if (fs && path && url) {
    if (!fs.existsSync(source)) invalidArgument(`unknown model "${source}": not a shipped model (${Object.keys(SHIPPED_SPECS).join(', ')}) nor a model directory`);
    return withSlash(url.pathToFileURL(path.resolve(source)));
  }
  if (typeof location !== 'undefined') return withSlash(new URL(source, location.href));
  return invalidArgument(`unknown model "${source}": not a shipped model (${Object.keys(SHIPPED_SPECS).join(', ')}) nor a URL`);
}

/**
 * A model as a call resolved it, once, where it came in (resolveModel): a loaded model, or a stored
 * one known by its manifest, whose networks are loaded by whichever thread codes with them
 * (loadedModel; a worker, from the manifest and source it is sent). Every step after the API's
 * edge takes this, never the caller's name, path or URL again.
 */
export type ResolvedModel = CodecModel | StoredModel;

/** A shipped model or a model directory, resolved but not loaded: its manifest read and checked (no tfjs). */
export interface StoredModel extends ModelInfo {
  manifest: ModelManifest;
  /** A shipped model's name or the model directory's URL, which any thread can load the files from. */
  source: string;
}

/** The files of a resolved source: a shipped model's, or those of the model directory at that URL. */
function filesAt(source: string): ModelFiles {
  return isModelName(source) ? shippedFiles(source) : filesIn(new URL(source));
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** The model stored at `source`, as its (checked) manifest describes it. */
export function storedModel(manifest: ModelManifest, source: string): StoredModel {
  return { name: manifest.name, spec: manifest.spec, itemShape: manifest.itemShape, fingerprint: fromHex(manifest.fingerprint), coding: manifest.coding, manifest, source };
}

/**
 * Resolves what a caller names as a model: a loaded model is itself; a shipped model's name, a
 * model directory's path (Node) or URL (file:, http:, https:) is read as far as its manifest,
 * checked (a damaged or hostile one fails with INVALID_MODEL), without tfjs.
 */
export async function resolveModel(choice: string | URL | CodecModel): Promise<ResolvedModel> {
  if (isLoaded(choice)) return choice;
  const source = typeof choice === 'string' && isModelName(choice) ? choice : modelFolder(choice).href;
  return storedModel(await readManifest(filesAt(source)), source);
}

/** A stored model's networks loaded from its files, checked throughout (src/model/directory.ts) and against its manifest's fingerprint. */
async function loadStored({ manifest, source }: StoredModel): Promise<CodecModel> {
  await useWasmBackend();
  const networks = await loadNetworks(filesAt(source), manifest.spec, manifest.initSeed, manifest.weightBytes);
  const model = codecModelOf(manifest.spec, manifest.itemShape, networks, manifest.coding, manifest, source);
  if (toHex(model.fingerprint) !== manifest.fingerprint) {
    throw new BbansError('INVALID_MODEL', `${source}: the networks' fingerprint ${toHex(model.fingerprint)} is not the manifest's ${manifest.fingerprint}: the model directory is damaged or was altered`);
  }
  return model;
}

/** Shipped models loaded on this thread, each once. */
const shipped = new Map<ModelName, Promise<CodecModel>>();

function isLoaded(model: unknown): model is CodecModel {
  return typeof model === 'object' && model !== null && 'latentVariableModel' in model;
}

/** The model with its networks on this thread: itself when loaded, else loaded from its files (a shipped one once per thread). */
export function loadedModel(model: ResolvedModel): Promise<CodecModel> {
  if (isLoaded(model)) return Promise.resolve(model);
  const { source } = model;
  if (!isModelName(source)) return loadStored(model);
  let loaded = shipped.get(source);
  if (!loaded) {
    loaded = loadStored(model);
    shipped.set(source, loaded);
    loaded.catch(() => shipped.delete(source));
  }
  return loaded;
}

/**
 * Loads a model: a shipped one by name, or a model directory by path (Node) or URL (file:, http:,
 * https:), as `bbans train` writes them. Everything read is checked first; a damaged or hostile
 * directory fails with INVALID_MODEL.
 */
export async function loadModel(source: string | URL): Promise<CodecModel> {
  return loadedModel(await resolveModel(source));
}

export type { CustomModelOptions } from './model/architectures.js';

/** Wraps a user's own VAE so compress/decompress can use it (pass it as `model` to both); its architecture reads its spec off the networks. */
export function createModel(options: CustomModelOptions): CodecModel {
  const { name } = options;
  if (typeof name !== 'string' || !/^[\x21-\x7e]+$/.test(name) || name.length > MAX_MODEL_NAME) invalidArgument(`model name must be 1..${MAX_MODEL_NAME} printable ASCII characters, got "${name}"`);
  const kind = 'architecture' in options ? options.architecture : 'vae';
  if (!(ARCHITECTURE_NAMES as string[]).includes(kind)) invalidArgument(`architecture must be one of ${ARCHITECTURE_NAMES.join(', ')}, got ${JSON.stringify(kind)}`);
  const architecture = architectureOf({ architecture: kind } as ModelSpec) as Architecture<ModelSpec, CustomModelOptions>;
  const spec = architecture.fromNetworks(options);
  const networks = Object.fromEntries(architecture.networkNames.map((network) => [network, (options as unknown as Networks)[network]!]));
  return codecModelOf(spec, [...options.itemShape], networks);
}
