// No trace on the reporter's device: in a real, persistent Chromium profile (not incognito),
// every field of the report, the follow-up, the retaliation flag and the supervisor's reply is
// filled in, left open when the browser quits (what session restore would keep), and in a second
// run sent; after each clean quit no file of the profile holds any of the texts or receipts, in
// UTF-8 or UTF-16. The footer's promise, "nothing is stored in your browser", must be true.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatReceipt } from '../../src/crypto';
import { useBrowserPortal } from './helpers/browser-portal';
import { DEMO_PASSPHRASE } from './helpers/portal';
import { tracesOf } from './helpers/profile';
import { confirmKept, seedReport, sendFromForm } from './helpers/report';

const portal = useBrowserPortal({ profile: true });
const secrets: string[] = [];

/** A unique text for one field; remembered, so every run searches for every text typed so far. */
function canary(field: string): string {
  const text = `TRACE-${field}-${randomBytes(6).toString('hex')}`;
  secrets.push(text);
  return text;
}
function receiptTexts(receipt: string): void {
  const code = receipt.replaceAll('-', '');
  secrets.push(formatReceipt(code), code);
}

async function seedCase(): Promise<string> {
  const receipt = await seedReport(portal);
  receiptTexts(receipt);
  return formatReceipt(receipt);
}

async function fillReport(page: Page): Promise<void> {
  await page.goto(`${portal.base}/report`);
  await page.getByRole('radio', { name: /District Basic Court/ }).check();
  await page.locator('#category').selectOption('bribery');
  await page
    .locator('#what')
    .fill(`${canary('what')} 法官收受财物${randomBytes(3).toString('hex')}`);
  secrets.push((await page.locator('#what').inputValue()).split(' ')[1]!);
  for (const id of ['when', 'where', 'who', 'how']) await page.locator(`#${id}`).fill(canary(id));
  await page.setInputFiles('#report-files', {
    name: `${canary('filename')}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(canary('filetext')),
  });
}

async function openCase(page: Page, receipt: string): Promise<void> {
  await page.goto(`${portal.base}/follow-up`);
  await page.locator('#receipt').fill(receipt);
  await page.locator('#lookup-form button[type="submit"]').click();
  await page.locator('#case-view').waitFor({ state: 'visible', timeout: 30_000 });
}

async function fillFollowUp(page: Page): Promise<void> {
  await page.locator('#message-text').fill(canary('message'));
  await page.locator('#ret-kind').selectOption('threats');
  await page.locator('#ret-details').fill(canary('retaliation'));
}

async function supervisorReply(context: BrowserContext, send: boolean): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${portal.base}/supervisor`);
  await page.setInputFiles('#key-file', portal.keyFile('basic-supervisor'));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').fill(DEMO_PASSPHRASE);
  await page.locator('#signin-form button[type="submit"]').click();
  await page.locator('#inbox-view').waitFor({ state: 'visible' });
  await page.locator('#inbox-rows tr').first().getByRole('link').click();
  await page.locator('#case-view').waitFor({ state: 'visible' });
  await page.locator('#reply-text').fill(canary('reply'));
  if (!send) return;
  await page.locator('#reply-form button[type="submit"]').click();
  await page.locator('#reply-status[data-i18n="sup.reply.sent"]').waitFor();
}

describe('no trace on the device, in a persistent Chromium profile', { timeout: 300_000 }, () => {
  it('keeps no text of fields left open when the browser quits', async () => {
    const receipt = await seedCase();
    const context = await portal.profile.open();
    const report = await context.newPage();
    await fillReport(report);
    const followUp = await context.newPage();
    await openCase(followUp, receipt);
    await fillFollowUp(followUp);
    await supervisorReply(context, false);
    await context.close(); // a clean quit: session restore writes every open tab
    expect(await tracesOf(portal.profile.home, secrets)).toEqual([]);
  });

  it('keeps no text, file name or receipt after everything was sent', async () => {
    const context = await portal.profile.open();
    const page = await context.newPage();
    await fillReport(page);
    const receipt = await sendFromForm(page);
    receiptTexts(receipt);
    await confirmKept(page);
    await openCase(page, receipt);
    await fillFollowUp(page);
    await page.locator('#message-form button[type="submit"]').click();
    await page
      .locator('#case-status[data-i18n="compose.message.sent"]')
      .waitFor({ timeout: 30_000 });
    await fillFollowUp(page);
    await page.locator('#message-text').fill('');
    await page.locator('#ret-form button[type="submit"]').click();
    await page.locator('#case-status[data-i18n="compose.ret.sent"]').waitFor({ timeout: 30_000 });
    await supervisorReply(context, true);
    await context.close();
    expect(await tracesOf(portal.profile.home, secrets)).toEqual([]);
    // The search itself works: the profile is real and holds what a browser keeps.
    expect(await tracesOf(portal.profile.home, [new URL(portal.base).host])).not.toEqual([]);
  });

  it('marks every form and form control of every page autocomplete="off"', () => {
    const dirs = ['public', 'public/partials'];
    const tags = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.html'))
        .flatMap((f) =>
          [
            ...readFileSync(`${dir}/${f}`, 'utf8').matchAll(
              /<(form|input|textarea|select)\b[^>]*>/g,
            ),
          ].map((m) => `${f}: ${m[0]}`),
        ),
    );
    expect(tags.length).toBeGreaterThan(30);
    expect(tags.filter((t) => !t.includes('autocomplete="off"'))).toEqual([]);
  });
});
