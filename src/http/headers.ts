// Security headers on every response, and no caching (nor compression on the way) of anything but
// content-hashed assets.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types';

// No inline script or style anywhere; no 'wasm-unsafe-eval' because no Argon2 is used (a receipt
// with 120 random bits needs no slow key derivation).
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The report page seals in a Web Worker served from /assets/, never from a blob: or data: URL.
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()';

/** `/assets/name.<hash>.js`: the name changes whenever the bytes do, so it may be cached for good. */
export const HASHED_ASSET = /^\/assets\/[\w-]+\.[0-9a-f]{10,}\.(js|css|woff2)$/;

export const securityHeaders = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  const h = c.res.headers;
  const url = new URL(c.req.url);
  h.set('Content-Security-Policy', CSP);
  h.set('Referrer-Policy', 'no-referrer');
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  h.set('Cross-Origin-Resource-Policy', 'same-origin');
  h.set('Permissions-Policy', PERMISSIONS_POLICY);
  // HSTS means nothing over an onion service, which is end-to-end encrypted without TLS.
  if (!url.hostname.endsWith('.onion'))
    h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  const onion = c.get('ctx')?.config.onionAddress;
  if (onion && !url.hostname.endsWith('.onion'))
    h.set('Onion-Location', `http://${onion}${url.pathname}`);
  // no-transform: nothing between here and the browser (a proxy, a CDN's automatic compression)
  // may compress an answer that can carry a secret (BREACH); only the build's copies of static
  // files are ever compressed (src/http/static-files.ts).
  h.set(
    'Cache-Control',
    c.res.ok && HASHED_ASSET.test(url.pathname)
      ? 'public, max-age=31536000, immutable'
      : 'no-store, no-transform',
  );
};
