import * as openpgp from 'openpgp';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decideSupervisor } from '../../src/client/admin';
import { callApi, type Fetcher, jsonInit } from '../../src/client/api';
import { grantableKeys } from '../../src/client/grants';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { type enrolKey, withCookies } from '../helpers/scenario';
import { watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { expectNoAxeViolations } from './helpers/checks';
import { colleagueAfter, demoSession, unlockBasicSupervisor } from './helpers/grants';
import { hasText } from './helpers/wait';

const portal = useBrowserPortal();
let page: Page;
let problems: string[] = [];
let fetcher: Fetcher;
let unitId: string;
let colleague: Awaited<ReturnType<typeof enrolKey>>;

beforeAll(async () => {
  const setup = await colleagueAfter(portal, ['Report 1.', 'Report 2.']);
  ({ fetcher, unitId, colleague } = setup);
  const { admin, auditor } = setup;
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Unit recovery key' }],
  });
  const recovery = await callApi<{ id: string }>(
    admin.fetcher,
    `/api/admin/units/${unitId}/recovery-key`,
    jsonInit({ publicKey }, { 'x-csrf-token': admin.csrfToken }),
  );
  await decideSupervisor(auditor, recovery.id, 'approve');
  page = await (await portal.browser.context({ locale: 'en-US' })).newPage();
  problems = watchPage(page);
});

const unlock = () => unlockBasicSupervisor(page, portal, 'enter');

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
    const supervisor = await demoSession(portal, fetcher, 'basic-supervisor');
    expect((await grantableKeys(supervisor)).recoveryBacklog).toBe(0);
    expect(problems).toEqual([]);
  });
});
