// Quick exit in a real, persistent Chromium profile: a reporter has half-written a report and a
// follow-up, leaves with Escape pressed twice on one tab and the button on the other (Chinese), and
// the browser is quit. Nothing asked first, neither tab can go back to its form, and no file of
// the profile holds any of the texts, the file name or the receipt, in UTF-8 or UTF-16.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatReceipt } from '../../src/crypto';
import { useBrowserPortal } from './helpers/browser-portal';
import { tracesOf } from './helpers/profile';
import { seedReport } from './helpers/report';

const portal = useBrowserPortal({ profile: true });
const secrets: string[] = [];

function canary(field: string): string {
  const text = `EXIT-${field}-${randomBytes(6).toString('hex')}`;
  secrets.push(text);
  return text;
}

async function seedCase(): Promise<string> {
  const receipt = await seedReport(portal);
  secrets.push(formatReceipt(receipt), receipt);
  return formatReceipt(receipt);
}

/** Any dialog would be a question before leaving: quick exit must ask nothing. */
function noQuestions(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.type());
    void d.accept();
  });
  return asked;
}

describe('quick exit in a persistent profile', { timeout: 300_000 }, () => {
  it('asks nothing, leaves no way back to the forms and no trace in the profile after a quit', async () => {
    const receipt = await seedCase();
    const context = await portal.profile.open();

    // Tab 1: a report half-written, a file chosen, the receipt code already shown and kept.
    const report = await context.newPage();
    const reportAsked = noQuestions(report);
    await report.goto(`${portal.base}/`);
    await report.goto(`${portal.base}/report`);
    await report.getByRole('radio', { name: /District Basic Court/ }).check();
    await report.locator('#category').selectOption('prying');
    await report
      .locator('#what')
      .fill(`${canary('what')} 院长打听案件${randomBytes(3).toString('hex')}`);
    secrets.push((await report.locator('#what').inputValue()).split(' ')[1]!);
    for (const id of ['when', 'where', 'who', 'how'])
      await report.locator(`#${id}`).fill(canary(id));
    await report.setInputFiles('#report-files', {
      name: `${canary('filename')}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(canary('filetext')),
    });
    await report.locator('#report-form button[type="submit"]').click();
    await report.locator('#keep-view').waitFor({ state: 'visible' });
    const shown = ((await report.locator('#keep-code').textContent()) ?? '').trim();
    secrets.push(shown, shown.replaceAll('-', ''));
    // Leaving now would lose the code, so the page guards it, except against the quick exit.
    await report.locator('#keep-confirm').fill(shown.slice(-5));

    // Tab 2 (Chinese): a case opened with the receipt, a message and a flag half-written.
    const followUp = await context.newPage();
    const followAsked = noQuestions(followUp);
    await followUp.goto(`${portal.base}/follow-up`);
    await followUp.locator('#lang-switch').click();
    await followUp.locator('#receipt').fill(receipt);
    await followUp.locator('#lookup-form button[type="submit"]').click();
    await followUp.locator('#case-view').waitFor({ state: 'visible', timeout: 30_000 });
    await followUp.locator('#message-text').fill(canary('message'));
    await followUp.locator('#ret-kind').selectOption('harassment');
    await followUp.locator('#ret-details').fill(canary('retaliation'));

    // Escape twice on the report tab, the button on the follow-up tab: both leave at once.
    await report.bringToFront();
    await report.locator('#keep-confirm').focus();
    await report.keyboard.press('Escape');
    await report.keyboard.press('Escape');
    await report.waitForURL('about:blank');
    await followUp.bringToFront();
    await followUp.locator('header [data-quick-exit]').click();
    await followUp.waitForURL('about:blank');
    expect([...reportAsked, ...followAsked]).toEqual([]);
    // Back leads to the page before (the home page), never to a form; the follow-up tab was
    // opened on the form, so Back leaves it blank.
    await report.goBack();
    expect(new URL(report.url()).pathname).toBe('/');
    expect(await report.locator('#what').count()).toBe(0);
    await followUp.goBack();
    expect(followUp.url()).toBe('about:blank');
    expect(await followUp.locator('#message-text').count()).toBe(0);

    await context.close(); // a clean quit: session restore writes every tab's history
    expect(await tracesOf(portal.profile.home, secrets)).toEqual([]);
    // The search itself works: the profile is real and holds what a browser keeps.
    expect(await tracesOf(portal.profile.home, [new URL(portal.base).host])).not.toEqual([]);
  });
});
