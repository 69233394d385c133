// No import cycles anywhere in the repository's code, type-only imports included: a cycle is a
// module depending on one above it, and the fix is to move what they share down (README: Layout).
// dependency-cruiser (a devDependency, rules in .dependency-cruiser.json) reads the imports as the
// TypeScript source writes them, before the compiler erases the type-only ones.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cruiser = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** dependency-cruiser's report on `paths` under the repository's rules, and whether it found nothing wrong. */
function cruise(...paths: string[]): { clean: boolean; report: string } {
  const result = spawnSync(process.execPath, [cruiser, '--config', '.dependency-cruiser.json', '--output-type', 'err', ...paths], { cwd: root, encoding: 'utf8' });
  return { clean: result.status === 0, report: `${result.stdout}${result.stderr}` };
}

describe('imports', () => {
  it('form no cycle anywhere in the repository', () => {
    const { clean, report } = cruise('.');
    expect(report).toContain('no dependency violations found');
    expect(clean, report).toBe(true);
  });

  it('count type-only imports, inline import() types included, as the rules are written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbans-cycle-'));
    try {
      writeFileSync(path.join(dir, 'a.ts'), "export type A = import('./b.js').B;\n");
      writeFileSync(path.join(dir, 'b.ts'), "import type { A } from './a.js';\nexport type B = A[];\n");
      const { clean, report } = cruise(dir);
      expect(clean, report).toBe(false);
      expect(report).toMatch(/no-circular: .*a\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
