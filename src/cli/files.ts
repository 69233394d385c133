// File handling for the CLI, gzip-style: `-` means stdin/stdout, the input is never touched, an
// existing output is refused unless forced (checked before any work), and outputs are written to a
// temporary file beside the target and renamed into place, so a failure leaves no partial file.

import { access, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './errors.js';

export const STDIO = '-';

export async function readInput(path: string): Promise<Uint8Array> {
  if (path === STDIO) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Refuses an existing output unless `force`; call before doing the work. */
export async function checkOutput(path: string, force: boolean): Promise<void> {
  if (path === STDIO || force) return;
  const exists = await access(path).then(() => true, () => false);
  if (exists) throw new CliError(`${path} already exists; use -f to overwrite it`);
}

export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  if (path === STDIO) {
    await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())));
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
