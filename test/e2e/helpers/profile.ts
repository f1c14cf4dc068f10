// A real, persistent Chromium profile (not an incognito context): the browser is quit cleanly,
// started again on the same folder, and the folder is searched byte by byte for what was typed.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM, chromiumLaunchOptions } from '../../../scripts/chromium';

export interface Profile {
  /** The folder that holds the profile and the browser's XDG config and cache folders. */
  home: string;
  /** Starts Chromium on the profile; close the returned context to quit it cleanly. */
  open(): Promise<BrowserContext>;
  dispose(): Promise<void>;
}

export async function persistentProfile(): Promise<Profile> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  const home = await mkdtemp(join(tmpdir(), 'portal-profile-'));
  await mkdir(join(home, 'config'), { recursive: true });
  await mkdir(join(home, 'cache'), { recursive: true });
  return {
    home,
    open: () =>
      chromium.launchPersistentContext(join(home, 'profile'), {
        ...chromiumLaunchOptions(home),
        acceptDownloads: false,
      }),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every file under `dir` holding any of `texts` in UTF-8 or UTF-16LE, as "file: text (enc)". */
export async function tracesOf(dir: string, texts: string[]): Promise<string[]> {
  const needles = texts.flatMap((text) => [
    { text, enc: 'utf-8', bytes: Buffer.from(text, 'utf8') },
    { text, enc: 'utf-16le', bytes: Buffer.from(text, 'utf16le') },
  ]);
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) continue;
    for (const n of needles)
      if (bytes.includes(n.bytes)) found.push(`${file.slice(dir.length)}: ${n.text} (${n.enc})`);
  }
  return found;
}
