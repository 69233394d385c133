// Starts a bbans worker script as a Node worker_thread, from the compiled package or from the
// TypeScript sources (the tests, tsx): the one loader both the frame coding pool and training use.
import { requireNodeBuiltin } from '../node-builtins.js';

type NodeWorker = import('node:worker_threads').Worker;

/** From the sources, the worker loads tsx first and then the .ts entry. */
function sourceWorker(Worker: typeof import('node:worker_threads').Worker, entry: string): NodeWorker {
  // require.resolve finds tsx's CommonJS build of its API; the ES module build lies beside it.
  const tsx = requireNodeBuiltin('node:module').createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(requireNodeBuiltin('node:url').pathToFileURL(tsx).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * A worker running `entry`, the compiled script's URL as its caller writes it (new URL('./x.js',
 * import.meta.url), which bundlers recognise). This module is a .ts file exactly when the caller
 * runs from the sources, and then the .ts file of the same name runs instead.
 */
export function startNodeWorker(entry: URL): NodeWorker {
  const waiting = started.get(entry.href) ?? [];
  const early = waiting.findIndex((w) => !w.exited);
  if (early >= 0) return waiting.splice(early, 1)[0]!.worker;
  const { Worker } = requireNodeBuiltin('node:worker_threads');
  return import.meta.url.endsWith('.ts') ? sourceWorker(Worker, entry.href.replace(/\.js$/, '.ts')) : new Worker(entry);
}

/** Workers started ahead of need, by entry, until startNodeWorker hands them out. */
const started = new Map<string, Array<{ worker: NodeWorker; exited: boolean }>>();

/**
 * Starts `count` workers of `entry` now, for startNodeWorker to hand out later: a command that
 * will code on workers starts them before it loads its own modules, so their start-up (tfjs,
 * WebAssembly) runs beside the calling thread's. They do not hold the process open.
 */
export function startNodeWorkersEarly(entry: URL, count: number): void {
  const list = started.get(entry.href) ?? [];
  started.set(entry.href, list);
  for (let i = 0; i < count; i++) {
    const worker = startNodeWorker(entry);
    const entryState = { worker, exited: false };
    // One that dies before it is handed out is skipped (its death would otherwise go unheard).
    worker.once('exit', () => void (entryState.exited = true));
    worker.once('error', () => void (entryState.exited = true));
    worker.unref();
    list.push(entryState);
  }
}
