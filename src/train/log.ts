// <model dir>/train-log.jsonl: one JSON object per completed epoch (the shipped models' older
// entries call the held-out numbers testNegElbo*: their held-out set was MNIST's test set).
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../model/io.js';

export interface EpochLogEntry {
  epoch: number;
  trainLossNats: number;
  trainBitsPerDim: number;
  heldOutNegElboNats: number;
  heldOutNegElboBitsPerDim: number;
  seconds: number;
  learningRate?: number;
  /** The threads its steps were split over (absent before data-parallel training: one). */
  threads?: number;
  finishedAt: string;
}

export async function startEpochLog(file: string): Promise<void> {
  await writeFileAtomically(file, '');
}

export async function appendEpochLog(file: string, entry: EpochLogEntry): Promise<void> {
  await appendFile(file, `${JSON.stringify(entry)}\n`);
}

/**
 * Drops entries for epochs after the checkpoint being resumed, which a kill between logging
 * and checkpointing could leave; the resumed run logs those epochs again.
 */
export async function truncateEpochLog(file: string, epochsCompleted: number): Promise<void> {
  if (!existsSync(file)) return;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => (JSON.parse(line) as EpochLogEntry).epoch <= epochsCompleted);
  if (kept.length !== lines.length) await writeFileAtomically(file, kept.map((line) => `${line}\n`).join(''));
}
