// Helpers of the CLI tests on files sent in chunks: a file just large enough for three chunks,
// the chunk files of an export, and `case decrypt` of an export with one key file.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ExportManifest } from '../../src/cases/export';
import { CHUNK_BYTES, chunkLayout } from '../../src/crypto';
import { cli } from './run';

/**
 * A file of a patterned size whose padded plaintext makes three chunks, the fewest for which a
 * middle chunk exists (neither the first, which makes the key, nor the last, which is short).
 */
export function threeChunkFile(name: string, seed: number) {
  const size = 2 * CHUNK_BYTES + 1 + seed;
  const bytes = new Uint8Array(size).map((_, i) => (i * seed + (i >>> 11)) & 0xff);
  const file = { name, type: 'video/mp4', bytes };
  expect(chunkLayout({ name, type: file.type, size }).count).toBe(3);
  return file;
}

/** The chunk files of the export's first attachment, in order, as paths. */
export async function exportedChunks(exportDir: string): Promise<string[]> {
  const manifest = JSON.parse(
    await readFile(join(exportDir, 'manifest.json'), 'utf8'),
  ) as ExportManifest;
  const folder = join(exportDir, ...(manifest.attachments[0]?.file ?? '').split('/'));
  const names = (await readdir(folder)).sort();
  expect(names).toEqual(['00000.gpg', '00001.gpg', '00002.gpg']);
  return names.map((n) => join(folder, n));
}

/**
 * `case decrypt` of an export with one key file: checks that it succeeded and that the chunks of
 * the file were checked and joined, and gives back the file it wrote under `name`.
 */
export async function decryptedFile(
  exportDir: string,
  keyFile: string,
  out: string,
  name: string,
  env: Record<string, string> = {},
): Promise<Buffer> {
  const r = await cli(['case', 'decrypt', exportDir, '--key', keyFile, '--out', out], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('in chunks) signature OK');
  const [file] = (await readdir(out)).filter((n) => n.endsWith(name));
  expect(file).toBeDefined();
  return readFile(join(out, file!));
}
