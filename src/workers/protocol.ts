// The messages between the pool and its workers: a job (code one frame with a model) and its reply.
import type { BbansErrorCode } from '../errors.js';
import type { FrameSettings } from '../frame-codec.js';
import type { Frame } from '../format/v2.js';
import type { PixelArray } from '../pixels.js';
import type { ModelTransfer } from './transfer.js';

/** The whole transfer the first time a worker sees a model, its key after. */
type ModelField = ModelTransfer | { key: string };

export type Job =
  | { id: number; op: 'encode'; model: ModelField; settings: FrameSettings; pixels: PixelArray; chains: number }
  | { id: number; op: 'decode'; model: ModelField; settings: FrameSettings; frame: Frame };

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: BbansErrorCode | undefined; message: string } };
