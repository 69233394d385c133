// Sets the execute bits of the package's commands (package.json "bin": dist/cli.js), the last
// step of `npm run build:ts`: tsc writes its output without them, and only npm's install links
// them, so after a rebuild `npx bbans` would say "Permission denied". A package folder may be
// named (test/build.test.ts does); by default it is this repository's.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
const { bin = {} } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const file of typeof bin === 'string' ? [bin] : Object.values(bin)) {
  const where = path.join(root, file);
  chmodSync(where, statSync(where).mode | 0o111);
}
