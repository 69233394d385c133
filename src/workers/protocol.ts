// The messages between the pool and its workers: a job (code some frames side by side with a model) and its reply.
import type { BbansErrorCode } from '../errors.js';
import type { HandedOver } from '../chain.js';
import type { FramePixels, FrameToDecode } from '../frame-codec.js';
import type { FrameSettings } from '../frame-settings.js';
import type { ModelTransfer } from './transfer.js';

/** The whole transfer the first time a worker sees a model, its key after. */
type ModelField = ModelTransfer | { key: string };

/**
 * With the model: where the worker's tfjs loads its binary from, when the caller said (ready({
 * wasmPaths })), and a shared flag (an Int32Array's buffer) the pool sets to ask for a hand-over,
 * where there is SharedArrayBuffer.
 */
type Common = { id: number; model: ModelField; wasmPaths?: string | Record<string, string>; control?: SharedArrayBuffer };

export type Job =
  | (Common & { op: 'encode'; settings: FrameSettings; frames: FramePixels[] })
  | (Common & { op: 'decode'; settings: FrameSettings; frames: FrameToDecode[] });

/** A worker's first message says it has started; then per job any hand-overs, and one reply. */
export type Reply =
  | { started: true }
  | { id: number; handedOver: HandedOver[] }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: BbansErrorCode | undefined; message: string } };
