// bbans/core: the entropy coder and composable codecs, without tfjs: for building other bits-back codecs.
import { loadCore } from './wasm.js';
export { BbansError, type BbansErrorCode } from './errors.js';
/** Loads the WebAssembly coder; await it once before using Message or the codecs in a browser (Node loads it on first use). */
export const ready = (): Promise<void> => loadCore().then(() => undefined);
export { Message, MAX_LANES, type LaneView, type CodingTarget } from './message.js';
export {
  type Codec, type DistributionCodec, type BitsBackModel, MAX_PRECISION, MAX_BINS_LOG2, MAX_TRIALS,
  uniform, categorical, categoricalProbs, quantizeProbabilities, bernoulli, betaBinomial, gaussianPosterior,
  binCentres, binOf, serial, onLanes, bitsBack,
} from './codecs.js';
export { type ProgressCallback, compressChain, decompressChain } from './chain.js';
export type { LatentVariableModel, BatchModel, PosteriorCodec } from './latent-model.js';
export {
  type PixelNetworkSpec, type PixelNetwork, type DenseLayer, type CausalWindow, type AutoregressiveCodec,
  pixelNetwork, pixelOutputs, localAutoregressive,
} from './autoregressive.js';
