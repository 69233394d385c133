// Decompression as a stream: a file's bytes go in, in chunks of any size; out come its frames'
// pixels, in order, each as soon as it and every frame before it are decoded. The coder is opened
// when the first header arrives (that is when the model it names is known); frames are decoded
// several at a time, at most `inFlight` outstanding, so memory stays bounded by a few frames.
import type { FrameCoder } from './frame-coder.js';
import { settingsOf } from './frame-settings.js';
import type { StreamHeader } from './format/fields.js';
import type { Frame } from './format/frame.js';
import { type ParsedFrame, StreamParser } from './format/parser.js';
import { unpackStoredFrame } from './format/stored-frame.js';
import type { PixelArray } from './pixels.js';
import { elementCount } from './shape.js';
import { Pipeline, type PipelineLimit } from './pipeline.js';

export interface DecodedFrame {
  /** The header of the frame's segment. */
  header: StreamHeader;
  /** The frame's images, row-major. */
  data: PixelArray;
  count: number;
}

export interface DecompressingOptions {
  inFlight: PipelineLimit;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/** A frame's pixels: a stored frame's unpacked here (it needs no model), a coded one's decoded by the coder. */
export async function decodeFrame(coder: FrameCoder, header: StreamHeader, frame: Frame): Promise<PixelArray> {
  return frame.kind === 'stored' ? unpackStoredFrame(frame, header) : coder.decode(settingsOf(header), frame);
}

export class FrameDecompressor {
  readonly #parser = new StreamParser();
  readonly #pipeline: Pipeline<DecodedFrame>;
  #coder?: FrameCoder;
  #done = 0;

  /** `open` gives the coder for the stream's header, or throws (the wrong model, say). */
  constructor(private readonly open: (header: StreamHeader) => Promise<FrameCoder>, private readonly options: DecompressingOptions) {
    this.#pipeline = new Pipeline(options.inFlight, options.signal);
  }

  /** The stream's header, once read. */
  get header(): StreamHeader | undefined {
    return this.#parser.header;
  }

  async push(bytes: Uint8Array): Promise<DecodedFrame[]> {
    return this.#decode(this.#parser.push(bytes));
  }

  async end(): Promise<DecodedFrame[]> {
    const out = await this.#decode(this.#parser.end());
    return [...out, ...this.#counted(await this.#pipeline.drain())];
  }

  close(): void {
    this.#pipeline.abandon();
    this.#coder?.close();
  }

  async #decode(frames: ParsedFrame[]): Promise<DecodedFrame[]> {
    const header = this.#parser.header;
    if (header && !this.#coder) this.#coder = await this.open(header);
    const out: DecodedFrame[] = [];
    for (const { header: segment, frame } of frames) {
      const coder = this.#coder!;
      const pixels = frame.count * elementCount(segment.itemShape);
      await this.#pipeline.add(async () => ({ header: segment, data: await decodeFrame(coder, segment, frame), count: frame.count }), pixels);
      out.push(...this.#counted(this.#pipeline.finished()));
    }
    return out;
  }

  #counted(frames: DecodedFrame[]): DecodedFrame[] {
    for (const frame of frames) {
      this.#done += frame.count;
      this.options.onProgress?.(this.#done);
    }
    return frames;
  }
}
