// Files that stop on the way, in Chromium: a report whose second file never arrives stays a draft,
// and its receipt on the follow-up page says so in words (the 409's counts, English and Chinese)
// until the report page's retry finishes it (Reload and Back ask first until the code is kept);
// a follow-up message whose second file is stopped is kept pending (#23, #25): the supervisor sees
// nothing of it, the reporter is offered to finish it, and the same files chosen again finish it.
import { readFile } from 'node:fs/promises';
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { callApi, type Fetcher } from '../../src/client/api';
import { submitReport } from '../../src/client/reporter';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { formatReceipt, unlockPrivateKey } from '../../src/crypto';
import { DRAFT_DAYS } from '../../src/lib/housekeeping';
import { withCookies } from '../helpers/scenario';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { expectLanguage, expectNoAxeViolations } from './helpers/checks';
import { DEMO_PASSPHRASE } from './helpers/portal';
import { CONTINUE, confirmKept, SEND } from './helpers/report';
import { hasAttribute, hasText } from './helpers/wait';

const portal = useBrowserPortal();

const fill = (text: string, vars: Record<string, string | number>) =>
  Object.entries(vars).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), text);

const twoFiles = [
  { name: 'first.txt', mimeType: 'text/plain', buffer: Buffer.from('first file') },
  { name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from('second file') },
];

/** Cuts every upload the predicate picks while `on` is true; counts what it cut. */
function cutter(pick: (url: URL, body: string) => boolean) {
  const state = { on: true, cut: 0 };
  const handler = async (route: Route) => {
    if (state.on && pick(new URL(route.request().url()), route.request().postData() ?? '')) {
      state.cut++;
      return route.abort('connectionreset');
    }
    return route.continue();
  };
  return { state, handler };
}

async function supervisorApi() {
  const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
  const armored = await readFile(portal.keyFile('basic-supervisor'), 'utf8');
  return signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
}

async function lookUp(locale: 'en-US' | 'zh-CN', receipt: string) {
  const context = await portal.browser.context({ locale });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${portal.base}/follow-up`);
  await page.locator('#receipt').fill(receipt);
  await page.locator('#lookup-form button[type="submit"]').click();
  await page.locator('#case-view:visible, #lookup-error:visible').first().waitFor();
  return { page, problems };
}

describe('files stopped on the way', { timeout: 300_000 }, () => {
  it('a report whose second file is stopped (sent in Chinese): the follow-up page says how far it got (en, zh), the retry finishes it', async () => {
    const s = await supervisorApi();
    const before = (await inbox(s)).items.length;
    const context = await portal.browser.context({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${portal.base}/report`);
    await page.getByRole('radio', { name: /基层/ }).first().check();
    await page.locator('#category').selectOption('bribery');
    await page.locator('#what').fill('登记处有人收钱。');
    await page.setInputFiles('#report-files', twoFiles);
    // Files travel in chunks: the second file is announced at POST /api/uploads with index 1.
    const cut = cutter(
      (url, body) => url.pathname === '/api/uploads' && body.includes('"index":1'),
    );
    await page.route('**/api/uploads**', cut.handler);
    await page.locator(CONTINUE).click();
    const receipt = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    await page.locator('#keep-confirm').fill(receipt.slice(-5));
    await page.locator(SEND).click();
    // The client tries a lost connection again by itself (about 90 s of waits) before it stops.
    await page.locator('#send-failed').waitFor({ state: 'visible', timeout: 200_000 });
    expect(cut.state.cut).toBeGreaterThanOrEqual(1);
    await hasAttribute(page.locator('#send-error'), 'data-i18n', 'error.network');
    expect(await page.locator('#send-error').textContent()).toBe(zh['error.network']);
    await hasText(page.locator('#send-failed'), zh['send.retryHelp']);
    await expectLanguage(page, 'zh', 'report page after a stopped file (zh)');
    await expectNoAxeViolations(page, 'report page after a stopped file (zh)');
    // A draft: no supervisor sees half a submission.
    expect((await inbox(s)).items.length).toBe(before);
    // The page still says to keep it open, and leaving it now asks first.
    await hasText(page.locator('#send-view'), zh['send.keepOpen']);
    expect(await page.locator('#send-view').isVisible()).toBe(true);
    const asked: string[] = [];
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => asked).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);

    for (const [locale, catalogue, lang] of [
      ['en-US', en, 'en'],
      ['zh-CN', zh, 'zh'],
    ] as const) {
      const look = await lookUp(locale, receipt);
      const error = look.page.locator('#lookup-error');
      await hasAttribute(error, 'data-i18n', 'follow.unfinished');
      expect(await error.textContent()).toBe(
        fill(catalogue['follow.unfinished'], { received: 1, expected: 2, days: DRAFT_DAYS }),
      );
      expect(await error.getAttribute('role')).toBe('alert');
      // It names the button the report page shows after a stop, in the same words.
      expect(await error.textContent()).toContain(`“${catalogue['send.retry']}”`);
      expect(await look.page.locator('#case-view').isHidden()).toBe(true);
      await expectLanguage(look.page, lang, `unfinished draft on the follow-up page (${lang})`);
      await expectNoAxeViolations(look.page, `unfinished draft (${lang})`);
      await shot(look.page, `reporter-unfinished-${lang}`);
      expect(look.problems).toEqual([]);
      await look.page.context().close();
    }

    // Back on the report page, which was kept open: the retry sends only the missing file.
    cut.state.on = false;
    await page.locator('#send-retry').click();
    await page.locator('#receipt-view').waitFor({ state: 'visible', timeout: 60_000 });
    expect(((await page.locator('#receipt-code').textContent()) ?? '').trim()).toBe(receipt);
    // Sent: the words and the chosen files live only in the ciphertext now.
    expect(await page.locator('#what').inputValue()).toBe('');
    expect(await page.locator('#report-file-list li').count()).toBe(0);
    // Reload and Back ask first too, until the reporter says the code is kept.
    for (const leave of [() => location.reload(), () => history.back()]) {
      const asks = asked.length;
      void page.evaluate(leave).catch(() => undefined);
      await expect.poll(() => asked.length).toBe(asks + 1);
      expect(asked.at(-1)).toBe('beforeunload');
      expect(await page.locator('#receipt-code').textContent()).toContain(receipt);
    }
    await confirmKept(page);
    expect((await inbox(s)).items.length).toBe(before + 1);
    const opened = await lookUp('en-US', receipt);
    await opened.page.locator('#case-messages .message-report').waitFor();
    for (const file of twoFiles)
      await hasText(
        opened.page.locator('#case-messages .message-report'),
        fill(en['msg.downloadNamed'], { name: file.name, size: `${file.buffer.length} B` }),
      );
    expect([...problems, ...opened.problems]).toEqual([]);
  });

  it('a follow-up message whose second file is stopped reaches nobody until the same files finish it (en)', async () => {
    const fetcher: Fetcher = (path, init) => fetch(new URL(path, portal.base), init);
    const { units } = await callApi<{ units: UnitView[] }>(fetcher, '/api/units');
    const seeded = await submitReport(fetcher, {
      units,
      unitId: units.find((u) => u.level === 'basic')!.id,
      copyToParent: false,
      report: {
        category: 'prying',
        whatHappened: 'A clerk looked up my case file.',
        when: '',
        where: '',
        who: '',
        howKnown: '',
      },
      files: [],
    });
    const { page, problems } = await lookUp('en-US', formatReceipt(seeded.receipt));
    await page.locator('#case-messages .message-report').waitFor();
    await page.locator('#message-text').fill('Two more files: the second one will not arrive.');
    await page.setInputFiles('#message-files', twoFiles);
    // The message goes first (kept pending), then its files one by one: the second is stopped.
    const cut = cutter(
      (url, body) => url.pathname === '/api/uploads' && body.includes('"index":1'),
    );
    await page.route('**/api/uploads**', cut.handler);
    await page.locator('#message-form button[type="submit"]').click();
    // The client tries a lost connection again by itself (about 90 s of waits) before it stops.
    await page.locator('#unfinished').waitFor({ state: 'visible', timeout: 200_000 });
    await hasAttribute(page.locator('#message-error'), 'data-i18n', 'compose.unfinished');
    await hasText(page.locator('#unfinished-list'), 'second.txt');
    expect(await page.locator('#case-messages .message-message').count()).toBe(0);
    await expectNoAxeViolations(page, 'reporter’s unfinished message (en)');

    // The supervisor sees nothing of it while it waits.
    const s = await supervisorApi();
    let caseId = '';
    for (const item of (await inbox(s)).items) {
      const c = await fetchCase(s, item.id);
      if (c.messages[0]?.id === seeded.messageId) caseId = item.id;
    }
    expect(caseId).not.toBe('');
    expect((await fetchCase(s, caseId)).messages.map((m) => m.kind)).toEqual(['report']);

    // The same files chosen again finish it: both files arrive with the message, at once.
    cut.state.on = false;
    await page.setInputFiles('#unfinished-files', twoFiles);
    await page.locator('#unfinished-form button[type="submit"]').click();
    await hasAttribute(page.locator('#case-status'), 'data-i18n', 'unfinished.done');
    await page.locator('#case-messages .message-message').waitFor();
    const opened = await decryptCase(s, await fetchCase(s, caseId));
    expect(opened.map((m) => [m.kind, m.attachments.length])).toEqual([
      ['report', 0],
      ['message', 2],
    ]);
    expect(problems).toEqual([]);
  });
});
