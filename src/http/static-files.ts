// Serving the built pages (public/dist) with the brotli or gzip copy the build made beside each
// text file, chosen by the request's Accept-Encoding. Only these static files are ever sent
// compressed: they carry no secret and echo nothing a request sends. API answers (receipts'
// ciphertext, locked keys, session cookies) are never compressed, so that an attacker who can
// inject text into a request cannot learn a secret from the compressed length (BREACH).

/** The page each clean path shows, on Node and on Workers alike. */
export const PAGES: Record<string, string> = {
  '/': '/index.html',
  '/report': '/report.html',
  '/follow-up': '/follow-up.html',
  '/supervisor': '/supervisor.html',
  '/enrol': '/enrol.html',
  '/stats': '/stats.html',
};

/** Files the build keeps compressed copies of (scripts/compress.mjs). */
export const PRECOMPRESSED = /\.(html|js|css|json)$/;

export type Encoding = 'br' | 'gzip';
export const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encodings the client accepts, best first (brotli is smaller). RFC 9110 §12.5.3: a coding
 * with q=0 is refused; `*` stands for any coding not named.
 */
export function acceptedEncodings(header: string | null | undefined): Encoding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    q.set(name.trim(), weight === undefined ? 1 : Number(weight));
  }
  const wants = (e: Encoding) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(wants);
}

/** Content types a compressed copy may be served for; everything else goes as stored. */
export const COMPRESSIBLE_TYPE = /^(text\/(html|css|javascript)|application\/(javascript|json))\b/;
