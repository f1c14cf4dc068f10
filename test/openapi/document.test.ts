// The OpenAPI document describes every API route the app serves, and only those.
import { describe, expect, it } from 'vitest';
import { useHarness } from '../helpers/harness';

const h = useHarness();

describe('GET /api/openapi.json', () => {
  it('lists every API route of the app', async () => {
    const doc = (await (await h.app.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const served = h.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(served.length).toBeGreaterThan(25);
    expect([...new Set(served)].sort()).toEqual(documented.sort());
  });
});
