// Threat: a page framed, sniffed, cached or loaded with foreign script. Every response carries
// the strict headers; HSTS is left off .onion hosts; Onion-Location points Tor users to the service.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { useHarness } from '../helpers/harness';

const ONION = `${'a'.repeat(56)}.onion`;
const h = useHarness({ ONION_ADDRESS: ONION });

function expectStrict(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("worker-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('permissions-policy')).toContain('camera=()');
  expect(res.headers.get('cache-control')).toBe('no-store');
}

describe('security headers', () => {
  it('are on successes, client errors and unknown routes alike', async () => {
    for (const res of [
      await h.app.request('/api/units'),
      await h.app.request('/api/pow?purpose=nope'),
      await h.app.request('/no/such/page'),
      await h.app.request('/api/reports', {
        method: 'POST',
        body: '{',
        headers: { 'content-type': 'application/json' },
      }),
    ]) {
      expectStrict(res);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{8}/);
      expect(res.headers.get('onion-location')).toMatch(new RegExp(`^http://${ONION}/`));
    }
  });

  it('leave HSTS and Onion-Location off the onion service itself', async () => {
    const res = await h.app.request(`http://${ONION}/api/units`);
    expectStrict(res);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('onion-location')).toBeNull();
  });
});
