// Attack 6, free follow-ups: one receipt could add messages, files and retaliation flags without
// end, filling the disk and burying the units above in flags. Each receipt has daily quotas;
// beyond them the answer is 429 with Retry-After (to the next UTC day), which the follow-up page
// puts in words, and nothing is stored. Other reporters, and the next day, are not affected.
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { describeError } from '../../public/src/lib/api';
import { ApiError } from '../../src/client/api';
import {
  flagRetaliation,
  openCase,
  refresh,
  type Session,
  sendMessage,
  submitReport,
} from '../../src/client/reporter';
import { sealFile } from '../../src/crypto';
import { demoKey, demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import { tableCounts } from './helpers/counts';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

let h: Harness;
let attacker: Session;
beforeAll(async () => {
  h = await makeHarness({
    FOLLOWUP_MESSAGES_PER_DAY: '5',
    FOLLOWUP_FLAGS_PER_DAY: '2',
    FOLLOWUP_MB_PER_DAY: '1',
    LOOKUPS_PER_SECOND: '1000',
  });
  const units = await h.units();
  const { receipt } = await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('the attacker has a receipt too'),
    files: [],
  });
  attacker = await openCase(h.fetcher, receipt);
});
afterAll(() => h.close());

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
};

const FLAG = { kind: 'threats' as const, startedOn: '2026-11-01', details: 'x' };

describe('follow-up quotas', () => {
  it(
    'stop 20 messages, 30 flags and 40 files from one receipt at the day quotas',
    async () => {
      const sent: number[] = [];
      for (let i = 0; i < 20; i++) {
        const ok = await sendMessage(attacker, `message ${i}`).then(
          () => true,
          () => false,
        );
        sent.push(ok ? 1 : 0);
      }
      expect(sent.reduce((a, b) => a + b, 0)).toBe(5);
      const overMessages = await refusal(sendMessage(attacker, 'one more'));
      expect(overMessages.status).toBe(429);
      expect(overMessages.retryAfter).toBeGreaterThan(0);
      expect(overMessages.retryAfter).toBeLessThanOrEqual(86_400);
      expect(overMessages.details).toEqual({ quota: 'message' });

      let flags = 0;
      for (let i = 0; i < 30; i++)
        flags += await flagRetaliation(attacker, FLAG).then(
          () => 1,
          () => 0,
        );
      expect(flags).toBe(2);
      const overFlags = await refusal(flagRetaliation(attacker, FLAG));
      expect(overFlags.status).toBe(429);
      expect(overFlags.details).toEqual({ quota: 'flag' });

      const before = await tableCounts(h.ctx);
      // Files added to a follow-up message (the report's own come only with the report).
      const messageId = (await refresh(attacker)).view.messages[1]!.id;
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const sealed = await sealFile(
          new Uint8Array(100 * 1024).fill(i),
          { name: `f${i}.bin`, type: 'application/octet-stream' },
          { recipients: attacker.view.recipients.messages, signingKey: attacker.key },
        );
        const res = await h.fetcher(`/api/receipt/attachments?message=${messageId}`, {
          method: 'POST',
          headers: {
            'x-lookup-token': attacker.lookupToken,
            'content-type': 'application/octet-stream',
          },
          body: sealed as Uint8Array<ArrayBuffer>,
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const stored = statuses.filter((s) => s === 201).length;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(10);
      expect(statuses.slice(stored).every((s) => s === 429)).toBe(true);
      expect((await tableCounts(h.ctx)).attachments).toBe(before.attachments! + stored);

      // The receipt can still read its case, and another reporter and a supervisor are unharmed.
      expect((await refresh(attacker)).view.messages.length).toBe(1 + 5 + 2);
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
      // A new UTC day brings a new quota.
      h.advance(86_400_000);
      try {
        await sendMessage(attacker, 'the next day');
      } finally {
        h.advance(-86_400_000);
      }
    },
    REAL_USERS_WITHIN_MS,
  );

  it('are put in words on the follow-up page, in both languages', () => {
    for (const quota of ['message', 'flag', 'bytes'] as const) {
      const err = new ApiError(429, 'too_many_requests', 'x', 'r', { quota }, 5 * 3600);
      const advice = describeError(err);
      expect(advice).toEqual({ key: `error.quota.${quota}`, vars: { hours: 5 } });
      expect(en[advice.key]).toContain('{hours}');
      expect(zh[advice.key]).toContain('{hours}');
    }
  });
});
