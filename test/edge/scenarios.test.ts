// The shared scenarios found by their marker are the ones workerd can run: each reaches the
// portal through the swappable harness and imports nothing that only Node has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedScenarios } from './scenarios';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('shared scenarios', () => {
  const files = sharedScenarios(root);

  it('are found by their marker, across feature folders', () => {
    expect(files).toContain('test/reports/journey.test.ts');
    expect(files).toContain('test/security/headers.test.ts');
    expect(new Set(files.map((f) => f.split('/')[1])).size).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s uses the swappable harness and no node: module', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).toMatch(/from '\.\.\/helpers\/harness'/);
    expect(text).not.toMatch(/from 'node:/);
  });
});
