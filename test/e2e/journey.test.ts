// The whole journey in real Chromium against a real server on loopback with a fresh database:
// a reporter submits a report with a file and keeps the receipt, every byte sent is ciphertext,
// a supervisor signs in with the key file, reads and answers, the reporter returns and flags
// retaliation, and receipts that are mistyped or unknown are handled without leaking anything.
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReceipt, generateReceipt, RECEIPT_ALPHABET } from '../../src/crypto';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { DEMO_PASSPHRASE } from './helpers/portal';
import { confirmKept, sendFromForm } from './helpers/report';
import { hasAttribute, hasCount, hasText } from './helpers/wait';

const CANARY = 'CANARY-e2e-5d81c0-never-stored';
const HOSTILE = '<img src=x onerror=alert(1)>';
const REPORT_TEXT = `${CANARY} The judge met a party in private. ${HOSTILE} 法官私下会见当事人。`;
const FILE_NAME = `${CANARY}-evidence.txt`;
const FILE_TEXT = `${CANARY} minutes of the meeting, page 1 — 会议记录`;
const REPLY_TEXT = 'Thank you. We have opened an inquiry and will write again within 30 days.';
const ARMOR =
  /^-----BEGIN PGP (MESSAGE|PUBLIC KEY BLOCK|PRIVATE KEY BLOCK)-----\r?\n[\s\S]+-----END PGP \1-----\s*$/;

const portal = useBrowserPortal();
let reporter: BrowserContext;
let supervisor: BrowserContext;
let page: Page;
let problems: string[] = [];
let receipt = '';

beforeAll(async () => {
  reporter = await portal.browser.context({ locale: 'en-US' });
  page = await reporter.newPage();
  problems = watchPage(page);
});

interface Captured {
  method: string;
  url: string;
  contentType: string;
  body: Buffer | null;
}

function capture(p: Page): { requests: Captured[]; stop: () => void } {
  const requests: Captured[] = [];
  const onRequest = (r: Request) => {
    requests.push({
      method: r.method(),
      url: r.url(),
      contentType: r.headers()['content-type'] ?? '',
      body: r.postDataBuffer(),
    });
  };
  p.on('request', onRequest);
  return { requests, stop: () => p.off('request', onRequest) };
}

/** Every string in a JSON body, with the path of keys that leads to it. */
function strings(value: unknown, path: string[] = []): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return [{ path: path.join('.'), value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

// Fields that carry no content: identifiers, the lookup token, the anti-abuse puzzle and a file's
// random chunk tag.
const NOT_CONTENT = /^(unitId|lookupToken|pow(\..+)?|messageId|tag)$/;

async function signInSupervisor(p: Page): Promise<void> {
  await p.goto(`${portal.base}/supervisor`);
  await p.locator('#signin-view h1').waitFor();
  await p.setInputFiles('#key-file', portal.keyFile('basic-supervisor'));
  await p.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await p.locator('#passphrase').pressSequentially(DEMO_PASSPHRASE);
  await p.getByRole('button', { name: 'Unlock and sign in' }).click();
  await p.locator('#inbox-view').waitFor({ state: 'visible' });
}

describe('reporter and supervisor journey in Chromium', { timeout: 120_000 }, () => {
  it('1–2. a reporter submits a report with a file and keeps the receipt; only ciphertext is sent', async () => {
    await page.goto(`${portal.base}/report`);
    await page.getByRole('radio', { name: /District Basic Court/ }).check();
    await page.locator('#category').selectOption('improper_contact');
    await page.locator('#what').fill(REPORT_TEXT);
    await page.locator('#when').fill(`${CANARY} last Tuesday`);
    await page.setInputFiles('#report-files', {
      name: FILE_NAME,
      mimeType: 'text/plain',
      buffer: Buffer.from(FILE_TEXT),
    });
    await hasText(page.locator('#report-file-list'), FILE_NAME);
    await shot(page, '01-report-filled');

    const traffic = capture(page);
    receipt = await sendFromForm(page);
    traffic.stop();
    expect((await page.locator('#receipt-code').textContent())?.trim()).toBe(receipt);
    expect(receipt).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    // The receipt page says how to keep the code safe and to use Tor Browser.
    await hasText(page.locator('#receipt-view'), 'Tor Browser');
    await hasText(page.locator('#receipt-view'), 'only time the receipt code is shown');
    await shot(page, '02-receipt');
    await confirmKept(page);

    // Step 2: every request of the submission, body by body.
    const posts = traffic.requests.filter((r) => r.method !== 'GET');
    const report = posts.find((r) => new URL(r.url).pathname === '/api/reports');
    // Files travel in numbered chunks (src/uploads), each an OpenPGP message.
    const upload = posts.find((r) =>
      /^\/api\/uploads\/[^/]+\/chunks\/\d+$/.test(new URL(r.url).pathname),
    );
    expect(report, 'the report was posted').toBeDefined();
    expect(upload, 'the attachment was uploaded').toBeDefined();
    for (const r of traffic.requests) {
      expect(r.url, 'no content in any address').not.toContain('CANARY');
      const body = r.body ?? Buffer.alloc(0);
      for (const text of [body.toString('utf8'), body.toString('latin1')]) {
        expect(text.includes(CANARY), `canary in ${r.method} ${r.url}`).toBe(false);
        expect(text.includes('法官私下'), `Chinese text in ${r.url}`).toBe(false);
        expect(text.includes('onerror'), `report text in ${r.url}`).toBe(false);
      }
      if (body.length === 0) continue;
      if (r.contentType.includes('application/json')) {
        const json = JSON.parse(body.toString('utf8')) as unknown;
        for (const { path, value } of strings(json)) {
          if (value.length < 16) continue;
          if (value.startsWith('-----BEGIN PGP')) {
            expect(value, `${path} is one whole armored block`).toMatch(ARMOR);
          } else {
            expect(path, `${path} carries a long string that is not an OpenPGP block`).toMatch(
              NOT_CONTENT,
            );
            expect(value).toMatch(/^[A-Za-z0-9_:.+/=-]+$/); // a token, id or number: no prose
          }
        }
      } else {
        // Attachment uploads are binary OpenPGP: the first byte is a packet tag.
        expect(r.contentType).toBe('application/octet-stream');
        expect(body[0]! & 0x80, `binary OpenPGP packet in ${r.url}`).toBe(0x80);
        expect(body.includes(Buffer.from(FILE_TEXT))).toBe(false);
        expect(body.includes(Buffer.from('evidence.txt'))).toBe(false); // the name is sealed too
      }
    }
    const reportJson = JSON.parse(report!.body!.toString('utf8')) as Record<string, unknown>;
    expect(reportJson.report).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(reportJson.reporterPublicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(problems).toEqual([]);
  });

  it('3. a supervisor imports the key file, signs in, reads the case and file, replies and changes the state', async () => {
    supervisor = await portal.browser.context({ locale: 'en-US' });
    // Headless Chromium has the File System Access API but no one to answer its save dialog:
    // without it the page takes its streamed fallback and the browser's own download.
    await supervisor.addInitScript(() => {
      delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    });
    const sp = await supervisor.newPage();
    const supProblems = watchPage(sp);
    await signInSupervisor(sp);
    await shot(sp, '03-supervisor-inbox');
    const rows = sp.locator('#inbox-rows tr');
    await hasCount(rows, 1);
    await rows.first().getByRole('link').click();
    await sp.locator('#case-view').waitFor({ state: 'visible' });
    const report = sp.locator('#case-messages .message-report');
    await hasText(report, CANARY);
    // The hostile string is shown as text: no element made from it, no script run.
    await hasText(report, HOSTILE);
    expect(await sp.locator('#case-messages img').count()).toBe(0);
    expect(await report.locator('.badge-ok').isVisible()).toBe(true);
    await shot(sp, '04-supervisor-case');

    const [download] = await Promise.all([
      sp.waitForEvent('download'),
      report.getByRole('button', { name: /Download file/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(FILE_NAME);
    const path = await download.path();
    expect(await readFile(path, 'utf8')).toBe(FILE_TEXT);

    await sp.getByLabel('Your reply').fill(REPLY_TEXT);
    await sp.getByRole('button', { name: 'Encrypt, sign and send' }).click();
    await sp.locator('#reply-status[data-i18n="sup.reply.sent"]').waitFor();
    await hasText(sp.locator('#case-messages .message-reply'), REPLY_TEXT);
    await sp.getByLabel('New status').selectOption('in_review');
    await sp.getByRole('button', { name: 'Change status' }).click();
    await sp.locator('#state-status[data-i18n="sup.state.saved"]').waitFor();
    await hasText(sp.locator('#case-summary'), 'In review');
    await shot(sp, '05-supervisor-replied');
    expect(supProblems).toEqual([]);
  });

  it('4. the reporter returns with the receipt, reads the verified reply and new state, and flags retaliation', async () => {
    await reporter.close();
    reporter = await portal.browser.context({ locale: 'en-US' });
    page = await reporter.newPage();
    problems = watchPage(page);
    await page.goto(`${portal.base}/follow-up`);
    // Typed the way people copy codes: lower case, spaces instead of dashes.
    await page.getByLabel('Receipt code').fill(receipt.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Open my report' }).click();
    await page.locator('#case-view').waitFor({ state: 'visible' });
    const reply = page.locator('#case-messages .message-reply');
    await hasText(reply, REPLY_TEXT);
    await hasText(reply.locator('.badge-ok'), 'Signature verified');
    await hasText(page.locator('#case-summary'), 'In review');
    await hasText(page.locator('#case-messages .message-report'), HOSTILE);
    expect(await page.locator('#case-messages img').count()).toBe(0);
    await shot(page, '06-reporter-reads-reply');

    await page.locator('#ret-kind').selectOption('transfer');
    await page
      .locator('#ret-details')
      .fill('I was moved to another court two weeks after reporting.');
    await page.getByRole('button', { name: 'Encrypt and send flag' }).click();
    await page.locator('#case-status[data-i18n="compose.ret.sent"]').waitFor({ timeout: 20_000 });
    await hasText(page.locator('#case-summary'), 'Retaliation flags');
    await shot(page, '07-retaliation-flagged');
    expect(problems).toEqual([]);
  });

  it('5. a mistyped receipt is caught before any request; unknown receipts all get the same answer', async () => {
    await page.goto(`${portal.base}/follow-up`);
    const input = page.getByLabel('Receipt code');
    const error = page.locator('#lookup-error');
    // One character changed: the check character catches it.
    const chars = receipt.split('');
    const i = chars.findIndex((c) => c !== '-');
    chars[i] = RECEIPT_ALPHABET[(RECEIPT_ALPHABET.indexOf(chars[i]!) + 1) % 32]!;
    const traffic = capture(page);
    await input.fill(chars.join(''));
    await page.getByRole('button', { name: 'Open my report' }).click();
    await error.waitFor({ state: 'visible' });
    await hasAttribute(error, 'data-i18n', 'follow.error.checksum');
    await hasAttribute(input, 'aria-invalid', 'true');
    await input.fill(receipt.slice(0, -2));
    await page.getByRole('button', { name: 'Open my report' }).click();
    await hasAttribute(error, 'data-i18n', 'follow.error.length');
    traffic.stop();
    expect(traffic.requests.map((r) => r.url)).toEqual([]);
    await shot(page, '08-mistyped-receipt');

    const answers: string[] = [];
    for (const unknown of [generateReceipt(), generateReceipt()]) {
      await input.fill(formatReceipt(unknown));
      await page.getByRole('button', { name: 'Open my report' }).click();
      await hasAttribute(error, 'data-i18n', 'follow.notFound');
      answers.push((await error.textContent()) ?? '');
      await error.evaluate((el: HTMLElement) => {
        el.hidden = true;
        el.removeAttribute('data-i18n');
      });
    }
    expect(answers[0]).toBe(answers[1]);
    expect(answers[0]).toContain('No report matches this receipt');
    await shot(page, '09-unknown-receipt');
    expect(problems).toEqual([]);
  });
});
