// Pins the exact bytes the codecs produce. Files written by one build must decode in every other,
// so any change to the quantisation, the math or the build flags (AssemblyScript swaps its exp/log
// implementations with shrinkLevel, for one) must show up here, not in a user's failed decode.
import { describe, expect, it } from 'vitest';
import * as core from '../src/core.js';
import { sha256, toHex } from '../src/sha256.js';
import { goldenAutoregressiveMessage, goldenMessage, goldenPredictiveMessage } from './golden-message.js';

describe('golden bytes', () => {
  it('every codec produces exactly the recorded message', () => {
    const bytes = goldenMessage(core);
    expect(bytes.length).toBe(GOLDEN_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_SHA256);
  });

  it('the fused autoregressive coder produces exactly the recorded message', () => {
    const bytes = goldenAutoregressiveMessage(core);
    expect(bytes.length).toBe(GOLDEN_AUTOREGRESSIVE_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_AUTOREGRESSIVE_SHA256);
  });

  it('the fused coder with the predictive context produces exactly the recorded message', () => {
    const bytes = goldenPredictiveMessage(core);
    expect(bytes.length).toBe(GOLDEN_PREDICTIVE_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_PREDICTIVE_SHA256);
  });
});

const GOLDEN_LENGTH = 2864;
const GOLDEN_SHA256 = 'a0a466455e61547f53f6911949bd1b89d5a3f6ae1c5ba83aba4c16f5dc3de2c5';
const GOLDEN_AUTOREGRESSIVE_LENGTH = 1100;
const GOLDEN_AUTOREGRESSIVE_SHA256 = '5d31fde8eb22073c2a8559395ddc304e6f9b737ea3f4bacd9f6f850e6a9d4ba2';
const GOLDEN_PREDICTIVE_LENGTH = 1724;
const GOLDEN_PREDICTIVE_SHA256 = 'd6163cfe7602a572eb7839cbfe2204ef0c8ea0fd9806b3061d250e88dadb7d92';
