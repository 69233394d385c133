// Node's built-in modules, reached through process.getBuiltinModule (Node >= 20.16) instead of
// import statements: the browser build then holds no `node:` import at all, which webpack refuses
// to bundle even behind a check that never runs in a browser.

interface Builtins {
  'node:crypto': typeof import('node:crypto');
  'node:fs': typeof import('node:fs');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
  'node:url': typeof import('node:url');
  'node:os': typeof import('node:os');
  'node:module': typeof import('node:module');
  'node:worker_threads': typeof import('node:worker_threads');
}

type WithBuiltins = { getBuiltinModule?: (id: string) => unknown };

/** The built-in module in Node; undefined anywhere else. */
export function nodeBuiltin<K extends keyof Builtins>(id: K): Builtins[K] | undefined {
  if (typeof process === 'undefined') return undefined;
  return (process as WithBuiltins).getBuiltinModule?.(id) as Builtins[K] | undefined;
}

/** The built-in module, for code that only runs on a file: URL, i.e. in Node. */
export function requireNodeBuiltin<K extends keyof Builtins>(id: K): Builtins[K] {
  const builtin = nodeBuiltin(id);
  if (!builtin) throw new Error(`bbans: ${id} is unavailable (file: URLs need Node >= 20.16)`);
  return builtin;
}
