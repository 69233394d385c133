// One frame, coded and decoded: a bits-back chain over a run of images, its checksum, and the
// checks that make a bad frame fail loudly instead of decoding to wrong pixels. This is the unit
// of work the coders (on the calling thread or on workers) run.
import { lanesOf } from './message.js';
import { BbansError } from './errors.js';
import { type ChainProgress, type HandOver, compressChains, decompressChains } from './chain.js';
import { crc32 } from './crc32.js';
import type { CodecModel } from './models.js';
import type { FrameSettings } from './frame-settings.js';
import type { CodedFrame } from './format/coded-frame.js';
import { type PixelArray, pixelBytes } from './pixels.js';

function checksumOf(data: PixelArray): number {
  return crc32(pixelBytes(data));
}

/** What encodeFrames takes per frame: its images and its chain count, and where its coding stands if it was handed over. */
export interface FramePixels {
  pixels: PixelArray;
  chains: number;
  resume?: ChainProgress;
}

/** What decodeFrames takes per frame: the frame, and where its decode stands if it was handed over. */
export type FrameToDecode = CodedFrame & { resume?: ChainProgress };

/**
 * Codes frames side by side (one batch for the networks; see compressChains): each frame's bytes
 * are the same as coded alone. With `handOver`, frames may be given away part-way (they come back
 * undefined here; handOver.take has them, by their index in `frames`).
 */
export function encodeFrames(model: CodecModel, settings: FrameSettings, frames: readonly FramePixels[], handOver?: HandOver): Array<CodedFrame | undefined> {
  const inputs = frames.map(({ pixels, chains, resume }) => ({ data: Uint32Array.from(pixels), count: pixels.length / model.spec.pixels, chains, resume }));
  const messages = compressChains(model.latentVariableModel(settings), inputs, undefined, handOver);
  return frames.map(({ pixels }, i) => {
    const message = messages[i];
    return message && { kind: 'coded' as const, count: inputs[i]!.count, crc32: checksumOf(pixels), message };
  });
}

export function decodeFrames(model: CodecModel, settings: FrameSettings, frames: readonly FrameToDecode[], handOver?: HandOver): Array<PixelArray | undefined> {
  let symbols: Array<Uint32Array | undefined>;
  try {
    const chains = frames.map((frame) => ({ bytes: frame.message, count: frame.count, chains: lanesOf(frame.message), resume: frame.resume }));
    symbols = decompressChains(model.latentVariableModel(settings), chains, undefined, handOver);
  } catch (error) {
    // Settings the header allowed but the model's codecs refuse mean the file is not what we wrote.
    if (error instanceof BbansError && (error.code === 'INVALID_ARGUMENT' || error.code === 'INVALID_PARAMETER')) {
      throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: ${error.message}`);
    }
    throw error;
  }
  return symbols.map((decoded, i) => {
    if (!decoded) return undefined;
    const data = settings.pixelBytes === 2 ? Uint16Array.from(decoded) : Uint8Array.from(decoded);
    if (checksumOf(data) !== frames[i]!.crc32) throw new BbansError('CHECKSUM_MISMATCH', 'checksum mismatch: the decoded pixels are not the ones that were compressed');
    return data;
  });
}
