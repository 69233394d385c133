// bbans: lossless compression with latent-variable models by bits-back coding with ANS.
export * from './core.js';
export { compress, decompress, defaultChains, type PixelArray, type ImageBatch, type CompressOptions, type DecompressOptions, type Decompressed } from './api.js';
export { loadModel, createModel, fingerprintOf, BEST_SHIPPED_MODEL, bestShippedModelFor, type CodecModel, type CustomModelOptions } from './models.js';
export { FORMAT_VERSION, decodeContainer as readHeader, type ContainerHeader, type SourceFormat } from './container.js';
export { useWasmBackend as ready } from './model/backend.js';
export { pixelCosts, type PixelCosts } from './explain.js';
