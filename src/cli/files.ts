// File handling for the CLI, gzip-style: `-` means stdin/stdout; inputs are never touched; an
// existing output is refused unless forced, and one that is not a regular file (a FIFO, a device,
// a directory) always, checked before any work; outputs are written to a temporary file beside
// the target and renamed into place, so a failure leaves no partial file; an output made from a
// file keeps that file's mode and modification time; and inputs are read as they are used.

import { type Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { chmod, lstat, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
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

/** An input as a stream of chunks (a file read as it goes, or standard input), with a file's metadata. */
export async function openInput(path: string): Promise<{ chunks: AsyncIterable<Uint8Array>; stats?: Stats }> {
  if (path === STDIO) return { chunks: process.stdin };
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  if (stats.isDirectory()) throw new CliError(`${path} is a directory`);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const chunks = (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    } finally {
      stream.destroy();
    }
  })();
  return { chunks, stats };
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

/** Where a result goes as it is made: written chunk by chunk, then committed (or discarded on failure). */
export interface Output {
  write(chunk: Uint8Array): Promise<void>;
  /** A file output: checked once more, given the input's mode and times, and renamed into place. */
  commit(): Promise<void>;
  /** A file output: the temporary file removed. Standard output cannot take back what it wrote. */
  discard(): Promise<void>;
}

function stdoutOutput(): Output {
  return {
    write: (chunk) => new Promise<void>((resolve, reject) => {
      process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
    }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EPIPE' ? new OutputClosed() : error;
    }),
    commit: async () => {},
    discard: async () => {},
  };
}

const TEMPORARY = /^\.(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what a bbans killed while writing `path` (kill -9 runs no cleanup) left beside it. */
async function removeStaleTemporaries(path: string): Promise<void> {
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (match && match[1] === basename(path) && !alive(Number(match[2]))) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/**
 * An output written to a temporary file beside `path` (".NAME.PID-RANDOM.tmp") and renamed into
 * place on commit, so a failure leaves no partial file; a file made from a file keeps that
 * file's mode and times. A process killed outright leaves its temporary file, which the next
 * bbans writing the same output removes.
 */
export async function openOutput(path: string, like?: Stats): Promise<Output> {
  if (path === STDIO) return stdoutOutput();
  const fail = (error: unknown): never => {
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  };
  await removeStaleTemporaries(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx').catch(fail);
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) await handle.close();
    closed = true;
  };
  return {
    async write(chunk) {
      await handle.write(chunk).catch(fail);
    },
    async commit() {
      try {
        await close();
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
        fail(error);
      }
    },
    async discard() {
      await close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
    },
  };
}

/** Writes `bytes` to `path` (or stdout), atomically; a file output takes the mode and times of `like`. */
export async function writeOutput(path: string, bytes: Uint8Array, like?: Stats): Promise<void> {
  const output = await openOutput(path, like);
  try {
    await output.write(bytes);
    await output.commit();
  } catch (error) {
    await output.discard();
    throw error;
  }
}
