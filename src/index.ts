// bbans: lossless compression with latent-variable models by bits-back coding with ANS.
export { BbansError, type BbansErrorCode } from './errors.js';
export { Message, MAX_LANES, type LaneView, type CodingTarget } from './message.js';
export {
  type Codec, type DistributionCodec, type BitsBackModel, MAX_PRECISION, MAX_BINS_LOG2, MAX_TRIALS,
  uniform, categorical, quantizeProbabilities, bernoulli, betaBinomial, gaussianPosterior,
  binCentres, binOf, serial, onLanes, bitsBack,
} from './codecs.js';
