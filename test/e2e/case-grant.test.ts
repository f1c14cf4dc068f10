// Grants from the supervisor's pages in real Chromium, by keyboard: one case from the case view,
// and, once the unit gets a recovery key after its cases arrived, the Access tab's offer to grant
// them all to it, run to the end.
import { readFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideSupervisor } from '../../src/client/admin';
import { callApi, type Fetcher, jsonInit } from '../../src/client/api';
import { grantableKeys } from '../../src/client/grants';
import { submitReport } from '../../src/client/reporter';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { unlockPrivateKey } from '../../src/crypto';
import { enrolKey, sampleReport, withCookies } from '../helpers/scenario';
import { type Browser, launchBrowser, watchPage } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/checks';
import { DEMO_PASSPHRASE, type Portal, startPortal } from './helpers/portal';
import { hasText } from './helpers/wait';

let portal: Portal;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let fetcher: Fetcher;
let unitId: string;
let colleague: Awaited<ReturnType<typeof enrolKey>>;

beforeAll(async () => {
  portal = await startPortal();
  fetcher = (path, init) => fetch(`${portal.base}${path}`, init);
  const { units } = (await (await fetcher('/api/units')).json()) as { units: UnitView[] };
  unitId = units.find((u) => u.level === 'basic')!.id;
  for (const n of [1, 2]) {
    await submitReport(fetcher, {
      units,
      unitId,
      copyToParent: false,
      report: sampleReport(`Report ${n}.`),
      files: [],
    });
  }
  colleague = await enrolKey({ fetcher }, unitId, 'New colleague');
  const admin = await signIn(
    withCookies(fetcher),
    await unlockPrivateKey(await readFile(portal.keyFile('admin'), 'utf8'), DEMO_PASSPHRASE),
  );
  await decideSupervisor(admin, colleague.id, 'approve');
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Unit recovery key' }],
  });
  await callApi(
    admin.fetcher,
    `/api/admin/units/${unitId}/recovery-key`,
    jsonInit({ publicKey }, { 'x-csrf-token': admin.csrfToken }),
  );
  browser = await launchBrowser();
  page = await (await browser.context({ locale: 'en-US' })).newPage();
  problems = watchPage(page);
});

afterAll(async () => {
  await browser?.close();
  await portal?.dispose();
});

async function unlock(): Promise<void> {
  await page.setInputFiles('#key-file', portal.keyFile('basic-supervisor'));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').pressSequentially(DEMO_PASSPHRASE);
  await page.keyboard.press('Enter');
}

const readsAll = async (key: openpgp.PrivateKey, caseId: string) => {
  const s = await signIn(withCookies(fetcher), key);
  return (await decryptCase(s, await fetchCase(s, caseId))).every((m) => m.content !== null);
};

describe('grants from the supervisor pages', { timeout: 180_000 }, () => {
  it('grants one case from the case view, by keyboard', async () => {
    const s = await signIn(withCookies(fetcher), colleague.key);
    const caseId = (await inbox(s)).items[0]!.id;
    expect(await readsAll(colleague.key, caseId)).toBe(false);
    await page.goto(`${portal.base}/supervisor#case/${caseId}`);
    await unlock();
    const select = page.getByLabel('Key that will read it');
    await select.waitFor({ state: 'visible' });
    await hasText(select, 'New colleague');
    await select.selectOption(colleague.id);
    expect(await select.getAttribute('autocomplete')).toBe('off');
    await page.getByRole('button', { name: 'Grant this case' }).focus();
    await page.keyboard.press('Enter');
    await hasText(page.locator('#case-grant-status'), 'Granted: that key now reads 1 more');
    await expectNoAxeViolations(page, 'case view with its grant form');
    expect(await readsAll(colleague.key, caseId)).toBe(true);
  });

  it('offers the older cases to a recovery key set after them, and grants them', async () => {
    await page.goto(`${portal.base}/supervisor#access`);
    await page.reload();
    await unlock();
    await page.locator('#access-view').waitFor({ state: 'visible' });
    await hasText(page.locator('#recovery-backlog-text'), 'cannot read 2 of its cases yet');
    await expectNoAxeViolations(page, 'access view with the recovery offer');
    await page.getByRole('button', { name: 'Grant them to the recovery key' }).click();
    await hasText(page.locator('#grant-status'), 'Done: 2 of 2 cases granted.');
    await page.locator('#recovery-backlog').waitFor({ state: 'hidden' });
    const supervisor = await signIn(
      withCookies(fetcher),
      await unlockPrivateKey(
        await readFile(portal.keyFile('basic-supervisor'), 'utf8'),
        DEMO_PASSPHRASE,
      ),
    );
    expect((await grantableKeys(supervisor)).recoveryBacklog).toBe(0);
    expect(problems).toEqual([]);
  });
});
