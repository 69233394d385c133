// Fresh apps that install the packed bbans tarball exactly as a user does (npm install), then build
// and serve it with each bundler's defaults: no config file, nothing copied next to the app.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JS module without types
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { PAGE_SOURCE } from './bundler-page.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const VERSIONS = { vite: '8.4.0', webpack: '5.113.0', 'webpack-cli': '7.3.1' };
const INDEX_HTML = (script: string) => `<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bbans</title></head>\n<body>${script}</body></html>\n`;

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Stops for everything still running, so that stopAll() can end them even after a failed step. */
const running = new Set<() => Promise<void>>();

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

// Without the npm_* variables of an enclosing `npm run`, which would steer the apps' own npm.
const childEnv = () => ({ ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_'))), NO_COLOR: '1' });
const tail = (output: string) => output.trim().split('\n').slice(-30).join('\n');

/** Spawns in its own process group, so that stopping it also stops whatever it started. */
function start(command: string, args: string[], cwd: string): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(command, args, { cwd, detached: true, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('error', (error) => { output += String(error); });
  const stop = async () => {
    running.delete(stop);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const signal = (name: NodeJS.Signals) => { try { process.kill(-child.pid!, name); } catch { /* already gone */ } };
    signal('SIGTERM');
    const kill = setTimeout(() => signal('SIGKILL'), 2000);
    await exited;
    clearTimeout(kill);
  };
  running.add(stop);
  exited.then(() => running.delete(stop));
  return { child, output: () => output, stop };
}

/** Runs a command to completion; fails with the end of its output when it fails or overruns. */
async function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  const task = start(command, args, cwd);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; task.stop(); }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => task.child.once('close', resolve));
  clearTimeout(timer);
  if (timedOut || code !== 0) {
    throw new Error(`${command} ${args.join(' ')} in ${cwd} ${timedOut ? `took over ${timeoutMs / 1000} s` : `exited with ${code}`}:\n${tail(task.output())}`);
  }
}

/** The tarball named by BBANS_TARBALL, or `npm pack` of this repo (its prepare script builds it) into `dir`. */
export async function packTarball(dir: string): Promise<string> {
  if (process.env.BBANS_TARBALL) return path.resolve(process.env.BBANS_TARBALL);
  const into = path.join(dir, 'pack');
  await mkdir(into);
  await run('npm', ['pack', '--pack-destination', into], REPO, 180_000);
  const [tarball] = (await readdir(into)).filter((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no .tgz in ${into}`);
  return path.join(into, tarball);
}

async function createApp(dir: string, files: Record<string, string>, packages: string[]): Promise<string> {
  for (const [name, text] of Object.entries({ 'package.json': '{ "private": true, "type": "module" }\n', ...files })) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packages], dir, 180_000);
  return dir;
}

export const createViteApp = (dir: string, tarball: string) =>
  createApp(dir, { 'index.html': INDEX_HTML('<script type="module" src="/main.js"></script>'), 'main.js': PAGE_SOURCE }, [tarball, `vite@${VERSIONS.vite}`]);

// webpack's defaults: src/index.js in, dist/main.js out.
export const createWebpackApp = (dir: string, tarball: string) =>
  createApp(dir, { 'src/index.js': PAGE_SOURCE }, [tarball, `webpack@${VERSIONS.webpack}`, `webpack-cli@${VERSIONS['webpack-cli']}`]);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `vite <args>` on a free port and resolves once it answers. */
async function startVite(dir: string, args: string[]): Promise<Served> {
  const url = `http://127.0.0.1:${await freePort()}/`;
  const port = new URL(url).port;
  const server = start('node', [path.join(dir, 'node_modules/vite/bin/vite.js'), ...args, '--host', '127.0.0.1', '--port', port, '--strictPort'], dir);
  for (const end = Date.now() + 30_000; Date.now() < end;) {
    if (server.child.exitCode !== null) break;
    if (await fetch(url).then((response) => response.ok, () => false)) return { url, stop: server.stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`vite ${args.join(' ')} did not answer at ${url}:\n${tail(server.output())}`);
}

export async function vitePreview(dir: string): Promise<Served> {
  await run('node', [path.join(dir, 'node_modules/vite/bin/vite.js'), 'build'], dir, 120_000);
  return startVite(dir, ['preview']);
}

/** The dev server: dependencies are pre-bundled into node_modules/.vite/deps/ and served from there. */
export const viteDev = (dir: string) => startVite(dir, []);

/** `webpack --mode production` with no config file; dist/ (plus an index.html) served statically. */
export async function webpackStatic(dir: string): Promise<Served> {
  await run('node', [path.join(dir, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production'], dir, 180_000);
  await writeFile(path.join(dir, 'dist/index.html'), INDEX_HTML('<script src="main.js"></script>'));
  const { server, url } = (await startDemoServer({ root: path.join(dir, 'dist'), port: 0 })) as { server: Server; url: string };
  const stop = async () => {
    running.delete(stop);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  running.add(stop);
  return { url, stop };
}
