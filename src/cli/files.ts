// File handling for the CLI, gzip-style: `-` means stdin/stdout; inputs are never touched; an
// existing output is refused unless forced, and one that is not a regular file (a FIFO, a device,
// a directory) always, checked before any work; outputs are written to a temporary file beside
// the target and renamed into place, so a failure leaves no partial file; and an output made from
// a file keeps that file's mode and modification time.

import { type Stats } from 'node:fs';
import { chmod, lstat, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { type ByteSource, bytesSource } from '../format/layout.js';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError, OutputClosed } from './errors.js';

export const STDIO = '-';

/** An input's bytes, and its metadata when it is a file (for the output to keep). */
export interface Input {
  bytes: Uint8Array;
  stats?: Stats;
}

export async function readInput(path: string): Promise<Input> {
  if (path === STDIO) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { bytes: new Uint8Array(Buffer.concat(chunks)) };
  }
  const fail = (error: unknown): never => {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  };
  const stats = await stat(path).catch(fail);
  if (stats.isDirectory()) throw new CliError(`${path} is a directory`);
  return { bytes: new Uint8Array(await readFile(path).catch(fail)), stats };
}

/**
 * Runs `use` on the input as a ByteSource: a file is read piece by piece where `use` asks (only
 * what it needs of a large file), standard input whole.
 */
export async function withSource<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  if (path === STDIO) return use(bytesSource((await readInput(path)).bytes));
  const fail = (error: unknown): never => {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  };
  const stats = await stat(path).catch(fail);
  if (stats.isDirectory()) throw new CliError(`${path} is a directory`);
  const handle = await open(path, 'r').catch(fail);
  try {
    return await use({
      size: stats.size,
      async read(offset, length) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, stats.size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

/** Refuses an output that exists (unless `force`) or that is not a regular file (always); call before doing the work. */
export async function checkOutput(path: string, force: boolean): Promise<void> {
  if (path === STDIO) return;
  const found = await lstat(path).catch(() => undefined);
  if (!found) return;
  const target = found.isSymbolicLink() ? await stat(path).catch(() => undefined) : found;
  if (target && !target.isFile()) throw new CliError(`${path} exists and is not a regular file; bbans replaces only regular files (use -c to write to standard output)`);
  if (!force) throw new CliError(`${path} already exists; use -f to overwrite it`);
}

/** Writes `bytes` to `path` (or stdout), atomically; a file output takes the mode and times of `like`. */
export async function writeOutput(path: string, bytes: Uint8Array, like?: Stats): Promise<void> {
  if (path === STDIO) {
    await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()))).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EPIPE' ? new OutputClosed() : error;
    });
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    if (like) {
      await chmod(temporary, like.mode & 0o7777);
      await utimes(temporary, like.atime, like.mtime);
    }
    // Checked again just before the rename, which would replace whatever is there.
    const there = await lstat(path).catch(() => undefined);
    if (there && !there.isFile() && !there.isSymbolicLink()) throw Object.assign(new Error('it is no longer a regular file'), { code: 'ENOTREG' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
