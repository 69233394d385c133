// Compression as a stream: pixels go in, in chunks of any size; out come the file's bytes, the
// header first, each frame as soon as it and every frame before it are coded (written as the
// format's written version chooses: coded, or its pixels stored where that is smaller), and the
// index last.
// Frames are coded by a FrameCoder, several at a time (workers code them in parallel), but at
// most `inFlight` wait at once, so memory stays bounded by a few frames however long the input.
// The compressor owns its coder: close() lets it go.
import { BbansError } from './errors.js';
import type { FrameCoder } from './frame-coder.js';
import { type FrameSettings, settingsOf } from './frame-settings.js';
import type { StreamHeader } from './format/fields.js';
import type { IndexEntry } from './format/segment.js';
import { WRITTEN } from './format/versions.js';
import { elementCount } from './shape.js';
import { type PixelArray, firstPixelAbove } from './pixels.js';
import { Pipeline, type PipelineLimit } from './pipeline.js';

/** The longest the compressor cuts frames before it lets the caller's event loop run. */
const SLICE_MS = 4;

export interface FramingOptions {
  /** Images per frame. */
  frameSize: number;
  /** Chains per frame (a frame of fewer images has one per image); by default chainsFor(images). */
  chains?: number;
  chainsFor(images: number): number;
  /** Largest pixel value the model takes, and its name (for the error that says so). */
  maxPixelValue: number;
  modelName: string;
  /** Frames being coded or waiting to be written, at most. */
  inFlight: PipelineLimit;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/** A frame's bytes as written, and its images. */
interface FrameRecord {
  record: Uint8Array;
  count: number;
}

export class FrameCompressor {
  readonly #settings: FrameSettings;
  readonly #itemPixels: number;
  /** Each frame's record as the written version chooses it (coded, or stored when that is smaller). */
  readonly #pipeline: Pipeline<FrameRecord>;
  readonly #entries: IndexEntry[] = [];
  #header: Uint8Array | undefined;
  #headerBytes: number;
  /** The frame being filled, and how many of its pixels are in. */
  #staged: PixelArray;
  #filled = 0;
  #images = 0;
  #written = 0;
  #sliceStart = performance.now();

  constructor(private readonly coder: FrameCoder, header: StreamHeader, private readonly options: FramingOptions) {
    this.#settings = settingsOf(header);
    this.#itemPixels = elementCount(header.itemShape);
    this.#header = WRITTEN.writeHeader(header);
    this.#headerBytes = this.#header.length;
    this.#staged = this.#newFrame();
    this.#pipeline = new Pipeline(options.inFlight, options.signal);
  }

  #newFrame(): PixelArray {
    const length = this.options.frameSize * this.#itemPixels;
    return this.#settings.pixelBytes === 2 ? new Uint16Array(length) : new Uint8Array(length);
  }

  /** Takes the next pixels (any number, not necessarily whole images); returns the bytes now ready. */
  async push(pixels: PixelArray): Promise<Uint8Array[]> {
    const wanted = this.#settings.pixelBytes === 2 ? Uint16Array : Uint8Array;
    if (!(pixels instanceof wanted)) throw new BbansError('INVALID_IMAGES', `the stream's pixels are ${wanted.name}s; got ${pixels?.constructor?.name ?? typeof pixels}`);
    const out = this.#take();
    for (let from = 0; from < pixels.length; ) {
      const n = Math.min(pixels.length - from, this.#staged.length - this.#filled);
      // Checked a frame's worth at a time, so the caller's thread is not held for the whole input at once.
      const piece = pixels.subarray(from, from + n);
      const bad = firstPixelAbove(piece, this.options.maxPixelValue);
      if (bad >= 0) {
        const at = this.#images * this.#itemPixels + this.#filled + bad;
        throw new BbansError('INVALID_IMAGES', `pixel ${at % this.#itemPixels} of image ${Math.floor(at / this.#itemPixels)} is ${piece[bad]}, but model ${this.options.modelName} takes values 0..${this.options.maxPixelValue}`);
      }
      this.#staged.set(piece, this.#filled);
      this.#filled += n;
      from += n;
      if (this.#filled === this.#staged.length) {
        await this.#submit(this.#staged);
        this.#staged = this.#newFrame();
        this.#filled = 0;
        out.push(...this.#take());
        await this.#yieldIfLong();
      }
    }
    return out;
  }

  /**
   * Lets the caller's event loop run once the frames cut since the last turn took SLICE_MS: a
   * whole input pushed at once would otherwise be cut into frames in one go (the pipeline only
   * waits when it is full).
   */
  async #yieldIfLong(): Promise<void> {
    if (performance.now() - this.#sliceStart < SLICE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#sliceStart = performance.now();
  }

  /** The input has ended: codes what is left and returns the last bytes, the index among them. */
  async end(): Promise<Uint8Array[]> {
    if (this.#filled % this.#itemPixels !== 0) {
      throw new BbansError('INVALID_IMAGES', `the input ends inside an image: ${this.#filled % this.#itemPixels} of its ${this.#itemPixels} pixels came`);
    }
    const out = this.#take();
    if (this.#filled > 0) await this.#submit(this.#staged.subarray(0, this.#filled));
    this.#filled = 0;
    for (const frame of await this.#pipeline.drain()) out.push(this.#enter(frame));
    out.push(WRITTEN.writeIndex(this.#headerBytes, this.#entries));
    return out;
  }

  /** Stops coding: frames in flight are dropped and the coder let go. */
  close(): void {
    this.#pipeline.abandon();
    this.coder.close();
  }

  async #submit(pixels: PixelArray): Promise<void> {
    const images = pixels.length / this.#itemPixels;
    this.#images += images;
    const chains = Math.min(this.options.chains ?? this.options.chainsFor(images), images);
    await this.#pipeline.add(async () => ({ record: WRITTEN.writeFrame(await this.coder.encode(this.#settings, pixels, chains), pixels), count: images }), pixels.length);
  }

  /** The header (once) and every frame the pipeline has finished, in order, as bytes. */
  #take(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.#header) out.push(this.#header);
    this.#header = undefined;
    for (const frame of this.#pipeline.finished()) out.push(this.#enter(frame));
    return out;
  }

  /** A frame's record, entered in the index. */
  #enter({ record, count }: FrameRecord): Uint8Array {
    this.#entries.push({ bytes: record.length, count });
    this.#written += count;
    this.options.onProgress?.(this.#written);
    return record;
  }
}
