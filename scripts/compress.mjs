// Brotli and gzip copies of the built text files (`x.js.br`, `x.js.gz`), made at build time with
// the strongest settings, so the server only picks one by the request's Accept-Encoding.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/** Only static files that carry no secret are here: pages, scripts, styles. */
export const COMPRESSIBLE = /\.(html|js|css|json)$/;

export const brotli = (bytes) =>
  br(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });

export const gzipped = (bytes) => gz(bytes, { level: constants.Z_BEST_COMPRESSION });

/** Writes both copies beside every compressible file under `dir`; returns how many files. */
export async function compressAll(dir) {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !COMPRESSIBLE.test(e.name)) continue;
    const file = join(e.parentPath, e.name);
    const bytes = await readFile(file);
    await writeFile(`${file}.br`, await brotli(bytes));
    await writeFile(`${file}.gz`, await gzipped(bytes));
    n++;
  }
  return n;
}
