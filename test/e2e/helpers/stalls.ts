// For the tests of uploads that stall or go unanswered: a file that cannot be put together
// wrongly, the report page filled in, the proxy's view of a request given up and sent again, and
// the supervisor's copy of a report's file.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { downloadAttachment, fetchCase, inbox, signIn } from '../../../src/client/supervisor';
import { unlockPrivateKey } from '../../../src/crypto';
import { withCookies } from '../../helpers/scenario';
import type { CutProxy } from './cut-proxy';
import { DEMO_PASSPHRASE, type Portal } from './portal';
import { hasText } from './wait';

const MB = 1024 * 1024;

/** A chunk request's first line, for the proxies. */
export const chunkLine = (n: number) =>
  new RegExp(`POST /api/uploads/[\\w-]+/chunks/${n} HTTP/1\\.1\\r\\n`);

/** Two chunks (the first full, 5 MiB), each 4 bytes telling their place, so none can be swapped. */
export function recording(name: string) {
  const buffer = Buffer.alloc(7 * MB + 333);
  for (let i = 0; i + 4 <= buffer.length; i += 4) buffer.writeUInt32BE(i, i);
  return { name, mimeType: 'application/octet-stream', buffer };
}

/** The page has the portal's limits (the help under the file field says the largest file). */
export const limitsShown = (page: Page, field: 'report' | 'message') =>
  hasText(page.locator(`#${field}-files-help`), 'Up to 2.0 GB per file', 60_000);

/** The report form filled in with one file, ready to send. */
export async function fillReport(page: Page, file: ReturnType<typeof recording>): Promise<void> {
  await page
    .getByRole('radio', { name: /District Basic Court/ })
    .first()
    .check();
  await page.locator('#category').selectOption('interference');
  await page.locator('#what').fill('The recording of the meeting in the president’s office.');
  await page.setInputFiles('#report-files', file);
}

/**
 * Waits until the proxy holds a request, then for the page to give it up and send it again
 * within `within` ms, then for the held connection to end: released, a connection the browser
 * still used would take the body and wait for an answer, never ending.
 */
export async function expectGivenUpAndSentAgain(proxy: CutProxy, within: number): Promise<void> {
  await expect.poll(() => proxy.held(), { timeout: 240_000, interval: 100 }).toBe(1);
  await expect
    .poll(() => proxy.matched(), { timeout: within, interval: 100 })
    .toBeGreaterThanOrEqual(2);
  proxy.release();
  await expect.poll(() => proxy.abandoned(), { timeout: 60_000, interval: 100 }).toBe(1);
}

export async function supervisorOf(portal: Portal) {
  const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
  const armored = await readFile(portal.keyFile('basic-supervisor'), 'utf8');
  return signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
}

/** The first file of the case whose first message is `messageId` (or of the only case). */
export async function fileOfCase(portal: Portal, kind: 'report' | 'message', messageId?: string) {
  const s = await supervisorOf(portal);
  for (const item of (await inbox(s)).items) {
    const c = await fetchCase(s, item.id);
    if (messageId && c.messages[0]?.id !== messageId) continue;
    const message = c.messages.find((m) => m.kind === kind);
    const id = message?.attachments[0]?.id;
    if (!id) return null;
    return downloadAttachment(s, c, kind, id);
  }
  return null;
}
