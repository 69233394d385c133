// What a bbans file holds, read from its headers, indexes and the first bytes of each frame
// (nothing is decoded): what
// `bbans info` prints, and how a program finds the frames of a file.
import type { StreamHeader } from './format/fields.js';
import { type ByteSource, bytesSource, readLayout } from './format/layout.js';

export interface FileDescription {
  /** The first segment's header; every later segment has the same model, image shape and source. */
  header: StreamHeader;
  /** Images in the file. */
  count: number;
  bytes: number;
  segments: Array<{
    version: number;
    offset: number;
    bytes: number;
    header: StreamHeader;
    /** `first` is the frame's first image in the whole file; a stored frame (its pixels as they are) has 0 chains. */
    frames: Array<{ first: number; count: number; offset: number; bytes: number; kind: 'coded' | 'stored'; chains: number }>;
  }>;
}

/** Describes a file in memory, or any ByteSource (a file read piece by piece). */
export async function describe(file: Uint8Array | ByteSource): Promise<FileDescription> {
  const source = file instanceof Uint8Array ? bytesSource(file) : file;
  const layout = await readLayout(source);
  return {
    header: layout.header,
    count: layout.count,
    bytes: source.size,
    segments: await Promise.all(layout.segments.map(async ({ version, offset, bytes, header, frames }) => ({
      version, offset, bytes, header,
      frames: await Promise.all(frames.map(async (frame) => {
        const { kind, chains } = await frame.prefix();
        return { first: frame.first, count: frame.count, offset: frame.offset, bytes: frame.bytes, kind, chains };
      })),
    }))),
  };
}
