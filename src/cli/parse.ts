// Command-line parsing shared by the subcommands: node:util's parseArgs with --help, turning its
// complaints into usage errors (exit code 2), and the small value parsers.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): Parsed {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }) as Parsed;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export function positiveInteger(name: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1)) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
  return value;
}

export function parseShape(text: string): number[] {
  const dims = text.split(',').map(Number);
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`--shape must look like H,W (or N,H,W), got "${text}"`);
  return dims;
}
