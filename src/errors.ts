// One error class for everything bbans refuses, with a stable code a program can switch on.

export type BbansErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_SYMBOL'
  | 'INVALID_PARAMETER'
  | 'INVALID_IMAGES'
  | 'NOT_BBANS'
  | 'UNSUPPORTED_VERSION'
  | 'MODEL_MISMATCH'
  | 'INVALID_MODEL'
  | 'ASSET_UNAVAILABLE'
  | 'NOT_READY'
  | 'UNSUPPORTED_ENGINE'
  | 'TRUNCATED'
  | 'HEADER_LIMIT'
  | 'CORRUPT_MESSAGE'
  | 'CHECKSUM_MISMATCH'
  | 'WORKER_FAILED';

export class BbansError extends Error {
  constructor(readonly code: BbansErrorCode, message: string) {
    super(message);
    this.name = 'BbansError';
  }
}

export function invalidArgument(message: string): never {
  throw new BbansError('INVALID_ARGUMENT', message);
}

export function invalidImages(message: string): never {
  throw new BbansError('INVALID_IMAGES', message);
}

/** Bytes that are not what an encoder wrote: a file's or a message's. */
export function corrupt(detail: string): never {
  throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: ${detail}`);
}

export function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    invalidArgument(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
