// What codes frames (the calling thread here; a pool of workers in src/workers/pool.ts; src/coders.ts
// picks one). Both run src/frame-codec.ts on whole frames, so the bytes are the same whoever codes them.
import type { CodecModel } from './models.js';
import type { Frame } from './format/v2.js';
import type { PixelArray } from './pixels.js';
import { type FrameSettings, decodeFrame, encodeFrame } from './frame-codec.js';

export interface FrameCoder {
  encode(settings: FrameSettings, pixels: PixelArray, chains: number): Promise<Frame>;
  decode(settings: FrameSettings, frame: Frame): Promise<PixelArray>;
  /** Lets go of whatever the coder holds (workers); it codes nothing after. */
  close(): void;
}

/** Codes on the calling thread, one frame at a time, yielding to the event loop between frames. */
export function inlineCoder(model: CodecModel): FrameCoder {
  const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    async encode(settings, pixels, chains) {
      await turn();
      return encodeFrame(model, settings, pixels, chains);
    },
    async decode(settings, frame) {
      await turn();
      return decodeFrame(model, settings, frame);
    },
    close() {},
  };
}
