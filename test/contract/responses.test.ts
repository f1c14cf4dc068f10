// Every answer the browser reads, parsed with its contract schema (src/contract/). The journeys
// below run through the real client over a recording fetcher; each JSON answer is then matched to
// its route and parsed with a strict schema, so a field the server adds, drops or renames without
// the contract fails here. Parts owned elsewhere (src/audit, src/grants) are also checked by type.
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { verifyChain } from '../../src/audit/chain';
import type { checkpointText, currentHead, dailyHead } from '../../src/audit/checkpoints';
import {
  auditEntries,
  caseAccess,
  createUnit,
  currentSession,
  listSupervisors,
  type SignedIn,
  signCheckpoint,
  verifyAudit,
} from '../../src/client/admin';
import type { Fetcher } from '../../src/client/api';
import { grantableKeys, grantCase } from '../../src/client/grants';
import {
  deleteEarly,
  legalHold,
  noticeSettings,
  registerNotices,
  setRetention,
  stopNotices,
  upcomingDeletions,
} from '../../src/client/months';
import {
  flagRetaliation,
  openCase,
  sendMessage,
  shareCase,
  submitReport,
} from '../../src/client/reporter';
import { adminStats, publicStats } from '../../src/client/stats';
import {
  fetchCase,
  inbox,
  retaliationFlags,
  sendReply,
  setClassification,
  setFlagState,
  setState,
  signIn,
  signOut,
} from '../../src/client/supervisor';
import {
  auditHeadSchema,
  auditPageSchema,
  type ChainCheck,
  chainCheckSchema,
  storedCheckpointSchema,
} from '../../src/contract/audit';
import { challengeResponse, sessionResponse, signOutResponse } from '../../src/contract/auth';
import {
  accessListSchema,
  caseContentSchema,
  classifyResponse,
  inboxPageSchema,
  replyResponse,
  stateResponse,
} from '../../src/contract/cases';
import { flagStateResponse, flagsResponse } from '../../src/contract/flags';
import {
  type GrantResponse,
  grantableKeysResponse,
  grantResponse,
  type PendingItems,
  pendingItemsResponse,
  type ShareOffer,
  type ShareResponse,
  shareOfferResponse,
  shareResponse,
} from '../../src/contract/grants';
import {
  noticeRegisteredResponse,
  noticeSettingsResponse,
  noticesStoppedResponse,
} from '../../src/contract/notify';
import { powChallengeResponse } from '../../src/contract/pow';
import { caseViewBodySchema, flagResponse, messageResponse } from '../../src/contract/receipt';
import { createReportResponse } from '../../src/contract/reports';
import {
  retentionResponse,
  twoPersonStepResponse,
  upcomingDeletionsResponse,
} from '../../src/contract/retention';
import { adminStatsResponse, publicStatsResponse } from '../../src/contract/stats';
import {
  adminUnitsResponse,
  createdUnitResponse,
  decisionResponse,
  recoveryKeyResponse,
  supervisorsResponse,
} from '../../src/contract/supervisors';
import { unitsResponse } from '../../src/contract/units';
import { uploadStateSchema } from '../../src/contract/uploads';
import type { pendingItems, grantCase as serverGrant } from '../../src/grants/service';
import type { shareCase as serverShare, shareOffer } from '../../src/grants/share';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  sampleReport,
  useHarness,
  withCookies,
} from '../helpers/harness';

// --- By type: what src/audit and src/grants return is assignable to the contract. -------------
type Out<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
const assignable = <T>(_: (x: T) => void) => true;
assignable<Out<typeof verifyChain>>((x): ChainCheck => x);
assignable<Out<typeof dailyHead>>((x): z.infer<typeof publicStatsResponse>['auditHead'] => x);
assignable<Out<typeof currentHead>>(
  (x) =>
    (x ? { ...x, text: '' as ReturnType<typeof checkpointText> } : null) satisfies z.infer<
      typeof auditHeadSchema
    >,
);
assignable<Out<typeof pendingItems>>((x): PendingItems => x);
assignable<Out<typeof serverGrant>>((x): GrantResponse => x);
assignable<Out<typeof shareOffer>>((x): ShareOffer => x);
assignable<Out<typeof serverShare>>((x): ShareResponse => x);

// --- At run time: every JSON answer of the journeys below, parsed strictly. --------------------
interface Seen {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** A fetcher that keeps a copy of every JSON answer. */
function recording(fetcher: Fetcher, seen: Seen[]): Fetcher {
  return async (path, init) => {
    const res = await fetcher(path, init);
    if ((res.headers.get('content-type') ?? '').includes('application/json')) {
      const body = await res.clone().json();
      seen.push({ method: init?.method ?? 'GET', path, status: res.status, body });
    }
    return res;
  };
}

/** Route → output schema. A 2xx JSON answer of a route not listed here fails the test. */
const ROUTES: [string, RegExp, z.ZodType][] = [
  ['GET', /^\/api\/pow\?purpose=[\w-]+$/, powChallengeResponse],
  ['GET', /^\/api\/units$/, unitsResponse],
  ['POST', /^\/api\/reports(\/files\?index=\d+)?$/, createReportResponse],
  ['GET', /^\/api\/receipt$/, caseViewBodySchema],
  ['POST', /^\/api\/receipt\/messages$/, messageResponse],
  ['POST', /^\/api\/receipt\/retaliation$/, flagResponse],
  // Files go in chunks through /api/uploads, listed below; the whole-file route is removed.
  ['GET', /^\/api\/receipt\/share$/, shareOfferResponse],
  ['POST', /^\/api\/receipt\/share$/, shareResponse],
  ['POST', /^\/api\/auth\/challenge$/, challengeResponse],
  ['POST', /^\/api\/auth\/sign-in$/, sessionResponse],
  ['GET', /^\/api\/auth\/me$/, sessionResponse],
  ['POST', /^\/api\/auth\/sign-out$/, signOutResponse],
  ['GET', /^\/api\/cases(\?.*)?$/, inboxPageSchema],
  ['GET', /^\/api\/cases\/[\w-]+$/, caseContentSchema],
  ['GET', /^\/api\/cases\/[\w-]+\/access$/, accessListSchema],
  ['POST', /^\/api\/cases\/[\w-]+\/replies$/, replyResponse],
  ['POST', /^\/api\/cases\/[\w-]+\/state$/, stateResponse],
  ['POST', /^\/api\/cases\/[\w-]+\/classification$/, classifyResponse],
  ['GET', /^\/api\/cases\/[\w-]+\/keys\?for=/, pendingItemsResponse],
  ['POST', /^\/api\/cases\/[\w-]+\/grants$/, grantResponse],
  ['GET', /^\/api\/grants\/keys$/, grantableKeysResponse],
  ['GET', /^\/api\/retaliation(\?.*)?$/, flagsResponse],
  ['POST', /^\/api\/retaliation\/[\w-]+\/state$/, flagStateResponse],
  ['GET', /^\/api\/retention\/upcoming$/, upcomingDeletionsResponse],
  ['POST', /^\/api\/uploads$/, uploadStateSchema],
  ['POST', /^\/api\/uploads\/[\w-]+\/chunks\/\d+$/, uploadStateSchema],
  ['GET', /^\/api\/notify$/, noticeSettingsResponse],
  ['POST', /^\/api\/notify$/, noticeRegisteredResponse],
  ['DELETE', /^\/api\/notify$/, noticesStoppedResponse],
  ['POST', /^\/api\/cases\/[\w-]+\/hold$/, twoPersonStepResponse],
  ['POST', /^\/api\/admin\/cases\/[\w-]+\/delete$/, twoPersonStepResponse],
  ['POST', /^\/api\/admin\/units\/[\w-]+\/retention$/, retentionResponse],
  ['GET', /^\/api\/stats$/, adminStatsResponse],
  ['GET', /^\/api\/public\/stats$/, publicStatsResponse],
  ['GET', /^\/api\/admin\/supervisors(\?.*)?$/, supervisorsResponse],
  ['POST', /^\/api\/admin\/supervisors\/[\w-]+\/(approve|reject|revoke)$/, decisionResponse],
  ['POST', /^\/api\/supervisors\/enrol$/, supervisorsResponse.shape.supervisors.element],
  ['GET', /^\/api\/admin\/units$/, adminUnitsResponse],
  ['POST', /^\/api\/admin\/units$/, createdUnitResponse],
  ['POST', /^\/api\/admin\/units\/[\w-]+\/recovery-key$/, recoveryKeyResponse],
  ['GET', /^\/api\/audit(\?.*)?$/, auditPageSchema],
  ['GET', /^\/api\/audit\/verify$/, chainCheckSchema],
  ['GET', /^\/api\/audit\/head$/, auditHeadSchema],
  ['POST', /^\/api\/audit\/checkpoints$/, storedCheckpointSchema],
];

const seen: Seen[] = [];
const h = useHarness();

async function staff(name: string): Promise<SignedIn & Awaited<ReturnType<typeof signIn>>> {
  return signIn(withCookies(recording(h.fetcher, seen)), await demoKey(h, name));
}

describe('every answer the browser reads matches its contract schema', () => {
  it('runs the reporter, supervisor, administrator and auditor journeys', async () => {
    const fetcher = recording(h.fetcher, seen);
    const { units } = unitsResponse.parse(await (await fetcher('/api/units')).json());
    const basicUnit = demoUnit(units, 'basic');
    const file = { name: 'note.txt', type: 'text/plain', bytes: new TextEncoder().encode('x') };
    const { receipt } = await submitReport(fetcher, {
      units,
      unitId: basicUnit.id,
      copyToParent: false,
      report: sampleReport('contract'),
      files: [file],
    });
    let reporter = await openCase(fetcher, receipt);
    await sendMessage(reporter, 'more', [file]);
    const { messageId: flagMessage } = await flagRetaliation(reporter, {
      kind: 'threats',
      startedOn: '2026-11-01',
      details: 'a call',
    });
    expect(flagMessage).toBeTruthy();

    const basic = await staff('basic-supervisor');
    await currentSession(basic.fetcher);
    const page = await inbox(basic);
    const caseId = page.items[0]!.id;
    const c = await fetchCase(basic, caseId);
    await sendReply(basic, c, 'received');
    await setState(basic, caseId, 'acknowledged');
    await setClassification(basic, caseId, 'bribery');
    const { flags } = await retaliationFlags(basic, { all: true });
    await setFlagState(basic, flags[0]!.id, 'acknowledged');
    await upcomingDeletions(basic);
    await legalHold(basic, caseId, true);
    await noticeSettings(basic);
    await registerNotices(basic, {
      email: 'reader@portal.example',
      digestHour: 7,
      onlyWhenActive: false,
      encryptDetails: true,
    });
    await noticeSettings(basic);
    await stopNotices(basic);

    // A second key in the unit, so that the case can be granted to it.
    const second = await enrolKey({ fetcher }, basicUnit.id, 'Second reader');
    await decideAsAdmin(
      { fetcher, demoKeys: h.demoKeys, passphrase: h.passphrase },
      second.id,
      'approve',
    );
    await grantableKeys(basic);
    expect((await grantCase(basic, caseId, second.id)).granted).toBeGreaterThan(0);

    // The reporter shares the case with the unit above (the supervisor's reply reads now).
    reporter = await openCase(fetcher, receipt);
    await shareCase(reporter, reporter.view.shareTargets[0]!.id);

    const admin = await staff('admin');
    await adminStats(admin);
    await publicStats(fetcher);
    await listSupervisors(admin, 'approved');
    await admin.fetcher('/api/admin/units');
    const created = await createUnit(admin, {
      name: 'Contract unit',
      nameZh: '契约单位',
      level: 'basic',
      parentId: demoUnit(units, 'intermediate').id,
    });
    const recovery = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Recovery' }],
      format: 'armored',
    });
    const res = await admin.fetcher(`/api/admin/units/${created.id}/recovery-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrfToken },
      body: JSON.stringify({ publicKey: recovery.publicKey }),
    });
    expect(res.status).toBe(201);
    await setRetention(admin, basicUnit.id, 36);
    await deleteEarly(admin, caseId);
    await caseAccess(basic, caseId);

    const auditor = await staff('auditor');
    await auditEntries(auditor, { limit: 50 });
    expect((await verifyAudit(auditor)).ok).toBe(true);
    await signCheckpoint(auditor, await demoKey(h, 'auditor'));
    await signOut(auditor);
  });

  it('parses each answer strictly, and every route of the contract was seen', () => {
    const unmatched: string[] = [];
    const covered = new Set<number>();
    for (const s of seen) {
      if (s.status >= 300) continue;
      const i = ROUTES.findIndex(([method, path]) => method === s.method && path.test(s.path));
      if (i < 0) {
        unmatched.push(`${s.method} ${s.path}`);
        continue;
      }
      covered.add(i);
      const parsed = ROUTES[i]![2].safeParse(s.body);
      expect(parsed.error?.issues ?? [], `${s.method} ${s.path}`).toEqual([]);
    }
    expect(unmatched).toEqual([]);
    expect(ROUTES.filter((_, i) => !covered.has(i)).map(([m, p]) => `${m} ${p}`)).toEqual([]);
  });

  it('a field the contract does not name fails the parse (strict objects)', () => {
    const body = seen.find((s) => s.path === '/api/units')!.body as { units: object[] };
    const extra = { units: body.units.map((u) => ({ ...u, internalNote: 'x' })) };
    expect(unitsResponse.safeParse(body).success).toBe(true);
    expect(unitsResponse.safeParse(extra).success).toBe(false);
  });
});
