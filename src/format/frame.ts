// A frame record of either kind, as the readers hand it on.
import type { CodedFrame } from './coded-frame.js';
import type { StoredFrame } from './stored-frame.js';

export type Frame = CodedFrame | StoredFrame;
