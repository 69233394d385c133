// Format version 3, the one bbans writes: version 2's segments (src/format/segment.ts) with two
// kinds of frame, the coded frame "F" (src/format/coded-frame.ts) and the stored frame "R"
// (src/format/stored-frame.ts). Each frame is coded, then written as whichever record is smaller,
// the coded one when they tie: a frame the model would code larger than its pixels packed is
// stored instead, so a file never grows much past its pixels.
import type { PixelArray } from '../pixels.js';
import { type CodedFrame, codedFrames, writeCodedFrame } from './coded-frame.js';
import { packedBytes, storeFrame, storedFrames, storedRange, writeStoredFrame } from './stored-frame.js';
import { readSegmentHeader, writeIndex, writeSegmentHeader } from './segment.js';
import type { WrittenVersion } from './version.js';

const VERSION = 3;

/** The smaller of the frame's coded record and its pixels' stored record. */
function smallerRecord(frame: CodedFrame, pixels: PixelArray): Uint8Array {
  const coded = writeCodedFrame(frame);
  const range = storedRange(pixels);
  // A stored record is its packed pixels and a few bytes more: pack only when that could win.
  if (packedBytes(pixels.length, range.bits) >= coded.length) return coded;
  const stored = writeStoredFrame(storeFrame(pixels, frame.count, frame.crc32, range));
  return stored.length < coded.length ? stored : coded;
}

export const V3: WrittenVersion = {
  version: VERSION,
  layout: 'segments',
  readHeader: readSegmentHeader,
  frameKinds: [codedFrames, storedFrames],
  writeHeader: (header) => writeSegmentHeader(VERSION, header),
  writeFrame: smallerRecord,
  writeIndex,
};
