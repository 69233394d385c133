// Checks on a model spec read from somewhere we do not control (a model directory's manifest):
// every field present, of the right type and inside the limits bbans supports, before anything is
// built or allocated. Each architecture states its own fields with these (its checkSpec).
import { BbansError } from '../errors.js';

/** The largest model bbans will build from a manifest: 2^25 float32 parameters (128 MiB). */
export const MAX_PARAMETERS = 2 ** 25;

export function invalidModel(message: string): never {
  throw new BbansError('INVALID_MODEL', message);
}

type Fields = Record<string, unknown>;

/** `value` as an integer in min..max; the message names it as `name` (a field, or a list's element). */
function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidModel(`model spec: ${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function integerField(spec: Fields, key: string, min: number, max: number): number {
  return integer(key, spec[key], min, max);
}

export function oneOf<T extends string>(spec: Fields, key: string, allowed: readonly T[]): T {
  const value = spec[key];
  if (typeof value !== 'string' || !allowed.includes(value as T)) invalidModel(`model spec: ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function integerList(spec: Fields, key: string, length: [number, number], min: number, max: number): number[] {
  const value = spec[key];
  if (!Array.isArray(value) || value.length < length[0] || value.length > length[1]) invalidModel(`model spec: ${key} must be a list of ${length[0]}..${length[1]} integers`);
  return value.map((element, i) => integer(`${key}[${i}]`, element, min, max));
}

export function objectField(spec: Fields, key: string): Fields {
  const value = spec[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalidModel(`model spec: ${key} must be an object`);
  return value as Fields;
}

/** Dense layers of these widths in sequence: weights and biases. */
export function denseParameters(...widths: number[]): number {
  let total = 0;
  for (let i = 1; i < widths.length; i++) total += widths[i - 1]! * widths[i]! + widths[i]!;
  return total;
}

export function checkParameterCount(name: string, count: number): void {
  if (count > MAX_PARAMETERS) invalidModel(`model ${name} would have ${count} parameters, more than the limit of ${MAX_PARAMETERS}`);
}
