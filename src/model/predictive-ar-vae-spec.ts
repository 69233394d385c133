// What a predictive local autoregressive VAE (src/model/predictive-ar-vae.ts) is: its spec. Kept
// apart from the architecture so that the spec types (src/model/spec.ts) sit below everything that
// builds, trains or codes models.
import type { LocalArShapeSpec } from './local-ar-vae-spec.js';

export interface PredictiveArVaeSpec extends LocalArShapeSpec {
  architecture: 'predictive-ar-vae';
  /** Whether the decoder gives one feature vector per image, read by every pixel, or one per pixel. */
  featuresPer: 'image' | 'pixel';
  /**
   * How many of the mixture's last components sit on the absolute scale rather than relative to
   * the prediction (default 0): mass the prediction cannot place, such as a stroke's first pixel
   * in a blank neighbourhood, which a digit's latent knows of and its neighbours do not.
   */
  absoluteComponents?: number;
  /**
   * The neighbours' differences from the prediction clamped to +-this many units of the local
   * scale (default: not clamped); see assembly/pixel-context.ts.
   */
  differenceLimit?: number;
}
