// `npm run demo`: serves demo/dist/ (made by `npm run build:browser`) on 127.0.0.1.
// A tiny static server so the demo needs nothing but Node; the browser tests start it too, with
// extra in-memory files.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_ROOT = fileURLToPath(new URL('../demo/dist/', import.meta.url));

// application/wasm matters: browsers only compile streamed wasm served with it.
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/**
 * Serves `root` on host:port (port 0 picks a free one). `extra` maps URL paths to in-memory
 * contents, e.g. { '/test/golden.js': code }. Resolves to { server, url }.
 */
export function startDemoServer({ root = DEMO_ROOT, host = '127.0.0.1', port = 8080, extra = {} } = {}) {
  const server = createServer(async (request, response) => {
    try {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (pathname in extra) return send(response, 200, CONTENT_TYPES[path.extname(pathname)], extra[pathname]);
      const base = path.resolve(root);
      let file = path.resolve(base, `.${pathname}`);
      // resolve has folded any '..'; anything outside root is refused.
      if (file !== base && !file.startsWith(base + path.sep)) return send(response, 403, 'text/plain', 'forbidden');
      if ((await stat(file).catch(() => undefined))?.isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file).catch(() => undefined);
      if (!body) return send(response, 404, 'text/plain', `not found: ${pathname}`);
      send(response, 200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body);
    } catch (error) {
      send(response, 500, 'text/plain', String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}/` });
    });
  });
}

function send(response, status, type, body) {
  response.writeHead(status, { 'content-type': type ?? 'application/octet-stream', 'cache-control': 'no-store' });
  response.end(body);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(path.join(DEMO_ROOT, 'lib', 'bbans.js'))) {
    console.error('demo/dist/ is not built: run `npm run build:browser` first');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startDemoServer({ port });
  console.log(`bbans demo: ${url}  (Ctrl-C to stop)`);
}
