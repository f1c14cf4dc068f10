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
import { demoKey, demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import { patterned, pendingFollowUp } from '../helpers/uploads';
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
    'stop 20 messages, 30 flags and 40 file uploads from one receipt at the day quotas',
    async () => {
      // One message announced with 20 files (the most a message carries): it counts as a message
      // at once and waits, pending, for its files, which come only through /api/uploads.
      const files = Array.from({ length: 20 }, (_, i) => patterned(`f${i}.bin`, 100 * 1024));
      const withFiles = await pendingFollowUp(h, files, attacker);
      const sent: number[] = [1];
      for (let i = 1; i < 20; i++) {
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

      // 40 tries at the message's files, each a file announced then its one chunk. The quota is
      // taken when a file is announced; files go in order, so a refused one is tried again.
      const before = await tableCounts(h.ctx);
      const statuses: number[] = [];
      let stored = 0;
      for (let i = 0; i < 40; i++) {
        const res = await withFiles.announce({ index: stored });
        statuses.push(res.status);
        if (res.status !== 201) {
          if (res.status === 429) {
            expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
            const body = (await res.json()) as { error: { details: unknown } };
            expect(body.error.details).toEqual({ quota: 'bytes' });
          }
          continue;
        }
        const { uploadId } = (await res.json()) as { uploadId: string };
        const chunk = await withFiles.seal(0, stored);
        expect((await withFiles.send(uploadId, 0, chunk)).status).toBe(201);
        stored++;
      }
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(10);
      expect(statuses.slice(stored).every((s) => s === 429)).toBe(true);
      // The files are held with their message, which no supervisor sees until all 40 are in.
      const after = await tableCounts(h.ctx);
      expect(after.uploads).toBe(before.uploads! + stored);
      expect(after.attachments).toBe(before.attachments);

      // The receipt can still read its case, and another reporter and a supervisor are unharmed.
      expect((await refresh(attacker)).view.messages.length).toBe(1 + 4 + 2);
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
