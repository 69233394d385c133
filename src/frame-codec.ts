// One frame, coded and decoded: a bits-back chain over a run of images, its checksum, and the
// checks that make a bad frame fail loudly instead of decoding to wrong pixels. This is the unit
// of work the coders (on the calling thread or on workers) run.
import { BbansError } from './errors.js';
import { compressChain, decompressChain } from './chain.js';
import { crc32 } from './crc32.js';
import type { CodecModel } from './models.js';
import type { StreamHeader } from './format/fields.js';
import type { Frame } from './format/v2.js';
import { type PixelArray, pixelBytes } from './pixels.js';

/** What coding a frame needs beyond its images: the segment header's settings and the chain count. */
export type FrameSettings = Pick<StreamHeader, 'binsLog2' | 'posteriorPrecision' | 'likelihoodPrecision' | 'pixelBytes'>;

/** A header's frame settings alone (what a worker is sent). */
export function settingsOf(header: FrameSettings): FrameSettings {
  const { binsLog2, posteriorPrecision, likelihoodPrecision, pixelBytes } = header;
  return { binsLog2, posteriorPrecision, likelihoodPrecision, pixelBytes };
}

function checksumOf(data: PixelArray): number {
  return crc32(pixelBytes(data));
}

/** The frame's chain count, from its message's first word. */
function chainsOf(frame: Frame): number {
  return new DataView(frame.message.buffer, frame.message.byteOffset, 4).getUint32(0, true);
}

export function encodeFrame(model: CodecModel, settings: FrameSettings, pixels: PixelArray, chains: number): Frame {
  const count = pixels.length / model.spec.pixels;
  const message = compressChain(model.latent(settings.likelihoodPrecision), Uint32Array.from(pixels), count, { ...settings, chains });
  return { count, crc32: checksumOf(pixels), message };
}

export function decodeFrame(model: CodecModel, settings: FrameSettings, frame: Frame): PixelArray {
  let symbols: Uint32Array;
  try {
    symbols = decompressChain(model.latent(settings.likelihoodPrecision), frame.message, frame.count, { ...settings, chains: chainsOf(frame) });
  } catch (error) {
    // Settings the header allowed but the model's codecs refuse mean the file is not what we wrote.
    if (error instanceof BbansError && (error.code === 'INVALID_ARGUMENT' || error.code === 'INVALID_PARAMETER')) {
      throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: ${error.message}`);
    }
    throw error;
  }
  const data = settings.pixelBytes === 2 ? Uint16Array.from(symbols) : Uint8Array.from(symbols);
  if (checksumOf(data) !== frame.crc32) throw new BbansError('CHECKSUM_MISMATCH', 'checksum mismatch: the decoded pixels are not the ones that were compressed');
  return data;
}
