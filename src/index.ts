// bbans: lossless compression with latent-variable models by bits-back coding with ANS.
export * from './core.js';
export { compress, decompress, type PixelArray, type ImageBatch, type Decompressed } from './api.js';
export { compressStream, decompressStream, compressChunks, decompressChunks, type CompressStreamOptions, type DecompressStreamOptions } from './streams.js';
export { defaultChains, defaultFrameSize, type CompressOptions, type DecompressOptions } from './options.js';
export { loadModel, resolveModel as modelInfo, createModel, BEST_SHIPPED_MODEL, bestShippedModelFor, type CodecModel, type ModelInfo, type CustomModelOptions } from './models.js';
export { fingerprintOf } from './model/fingerprint.js';
export { FORMAT_VERSION } from './format/versions.js';
export { type StreamHeader, type SourceFormat } from './format/fields.js';
export { describe, type FileDescription } from './describe.js';
export { useWasmBackend as ready } from './model/backend.js';
export { pixelCosts, type PixelCosts } from './explain.js';
