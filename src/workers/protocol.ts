// The messages between the pool and its workers: a job (code some frames side by side with a model) and its reply.
import type { BbansErrorCode } from '../errors.js';
import type { FramePixels, FrameSettings } from '../frame-codec.js';
import type { Frame } from '../format/v2.js';
import type { ModelTransfer } from './transfer.js';

/** The whole transfer the first time a worker sees a model, its key after. */
type ModelField = ModelTransfer | { key: string };

/** With the model: where the worker's tfjs loads its binary from, when the caller said (ready({ wasmPaths })). */
type Common = { id: number; model: ModelField; wasmPaths?: string | Record<string, string> };

export type Job =
  | (Common & { op: 'encode'; settings: FrameSettings; frames: FramePixels[] })
  | (Common & { op: 'decode'; settings: FrameSettings; frames: Frame[] });

/** A worker's first message says it has started; then one reply per job. */
export type Reply =
  | { started: true }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: BbansErrorCode | undefined; message: string } };
