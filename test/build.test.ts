// The build's last step: `npm run build:ts` leaves the package's commands executable, so that
// `npx bbans` (dist/cli.js) runs after a rebuild, not only after `npm ci`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the build', () => {
  it('ends build:ts by marking the commands executable', () => {
    expect(packageJson.scripts['build:ts']).toMatch(/&& tsc -p tsconfig\.build\.json && node scripts\/mark-bins-executable\.mjs$/);
  });

  it('marks every bin of a package executable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbans-bin-'));
    try {
      mkdirSync(path.join(dir, 'dist'));
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ bin: { one: './dist/one.js', two: 'dist/two.js' } }));
      for (const name of ['one', 'two']) writeFileSync(path.join(dir, 'dist', `${name}.js`), '#!/usr/bin/env node\n', { mode: 0o644 });
      const result = spawnSync(process.execPath, [path.join(root, 'scripts/mark-bins-executable.mjs'), dir], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      for (const name of ['one', 'two']) expect(statSync(path.join(dir, 'dist', `${name}.js`)).mode & 0o111, name).toBe(0o111);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves dist/cli.js a command that runs as it is', () => {
    expect(packageJson.bin.bbans).toBe('./dist/cli.js');
    const result = spawnSync(path.join(root, 'dist/cli.js'), ['--version'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout.trim()).toBe(packageJson.version);
  });
});
