// Which Node test files also run in workerd: those that carry the marker line. The edge config
// finds them by reading test/, so a new shared scenario needs no list kept by hand.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A test file with this line runs on Node and, through test/edge/harness.ts, in workerd. */
export const SCENARIO_MARKER = '// scenario: node and workerd';

/** Paths relative to `root`, sorted, of every `test/**\/*.test.ts` that carries the marker. */
export function sharedScenarios(root: string): string[] {
  const files = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' });
  return files
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', f))
    .filter((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .some((line) => line.trim() === SCENARIO_MARKER),
    )
    .sort();
}
