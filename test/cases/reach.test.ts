// Who may read a case: properties of the rules (contract/reach.ts), and, over random unit trees,
// keys and cases in a real database, that every query which decides access agrees with them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseExclusions,
  caseShares,
  reports,
  retaliationFlags,
  supervisors,
  units,
} from '../../db/schema';
import type { Actor } from '../../src/auth/actor';
import { listInbox } from '../../src/cases/inbox';
import { caseForActor, unitCaseIds } from '../../src/cases/reach';
import type { CaseViewBody } from '../../src/client/types';
import {
  type CaseFacts,
  caseUnits,
  hasReader,
  isReadingKey,
  type KeyFacts,
  mayActOnCase,
  mayRead,
  recipientUnits,
  relationOf,
  relationOfKey,
} from '../../src/contract/reach';
import { sha256Hex } from '../../src/crypto/encoding';
import { summary } from '../../src/notify/service';
import { reporterViewJson } from '../../src/receipts/view';
import { listFlags } from '../../src/retaliation/service';
import { activeKeys, unitWithKeys } from '../../src/units/service';
import { useHarness } from '../helpers/harness';

const UNIT_IDS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const unitId = fc.constantFrom(...UNIT_IDS);
const facts: fc.Arbitrary<CaseFacts> = fc.record({
  unitId,
  copiedUnitId: fc.option(unitId),
  retaliationFlagged: fc.boolean(),
  parentId: fc.option(unitId),
});
const NOW = 1_800_000_000;
const key: fc.Arbitrary<KeyFacts> = fc.record({
  unitId,
  role: fc.constantFrom('supervisor', 'admin', 'auditor', 'recovery'),
  status: fc.constantFrom('pending', 'approved', 'rejected', 'revoked'),
  keyExpiresAt: fc.option(fc.constantFrom(NOW - 10, NOW + 10)),
});

describe('the rules', () => {
  it('list the addressed unit first and every unit once', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const ids = caseUnits(f).map((u) => u.unitId);
        expect(ids[0]).toBe(f.unitId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of ['message', 'retaliation', 'reply'] as const) {
          const r = recipientUnits(f, p);
          expect(r[0]).toBe(f.unitId);
          expect(new Set(r).size).toBe(r.length);
        }
      }),
    );
  });

  it('send follow-up to fewer units than retaliation, and replies to exactly who sees the case', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const message = recipientUnits(f, 'message');
        const retaliation = recipientUnits(f, 'retaliation');
        expect(message.every((u) => retaliation.includes(u))).toBe(true);
        if (f.parentId) expect(retaliation).toContain(f.parentId);
        expect(recipientUnits(f, 'reply')).toEqual(caseUnits(f).map((u) => u.unitId));
      }),
    );
  });

  it('give the unit above a relation only once retaliation is flagged (or it is copied)', () => {
    fc.assert(
      fc.property(facts, unitId, (f, u) => {
        const relation = relationOf(f, u);
        const expected =
          u === f.unitId
            ? 'addressed'
            : u === f.copiedUnitId
              ? 'copied'
              : f.retaliationFlagged && u === f.parentId
                ? 'retaliation'
                : null;
        expect(relation).toBe(expected);
      }),
    );
  });

  it('let only approved, unexpired supervisor or recovery keys of a unit that sees it read', () => {
    fc.assert(
      fc.property(key, facts, (k, f) => {
        const reading =
          k.status === 'approved' &&
          (k.role === 'supervisor' || k.role === 'recovery') &&
          (k.keyExpiresAt === null || k.keyExpiresAt > NOW);
        expect(isReadingKey(k, NOW)).toBe(reading);
        const relation = relationOf(f, k.unitId);
        // A unit that sees only flags is never given the case by a grant: only a share does that.
        expect(mayRead(k, f, NOW)).toBe(reading && relation !== null && mayActOnCase(relation));
      }),
    );
  });
});

// A random world: a unit tree over UNIT_IDS, keys and cases, written straight into the database.
const world = fc.record({
  // Each unit's parent comes earlier in the list, so the tree has no cycles.
  parents: fc.tuple(
    ...UNIT_IDS.map((_, i) =>
      i === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...UNIT_IDS.slice(0, i))),
    ),
  ),
  keys: fc.array(key, { maxLength: 8 }),
  cases: fc.array(
    fc.record({
      unitId,
      copied: fc.constantFrom('none', 'parent', 'other'),
      other: unitId,
      retaliationFlagged: fc.boolean(),
      // Shared with the unit above; passed up to the unit above that (a flag left unanswered);
      // and which keys (by index) the reporter excluded.
      shared: fc.boolean(),
      escalated: fc.boolean(),
      excluded: fc.array(fc.nat(7), { maxLength: 3 }),
    }),
    { maxLength: 6 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

const h = useHarness();

async function writeWorld(w: World, now: number) {
  const db = h.ctx.db;
  for (const t of [retaliationFlags, reports, supervisors, units, caseShares, caseExclusions])
    await db.delete(t);
  const parentOf = new Map(UNIT_IDS.map((id, i) => [id, w.parents[i] ?? null]));
  await db.insert(units).values(
    UNIT_IDS.map((id) => ({
      id,
      parentId: parentOf.get(id) ?? null,
      name: id,
      nameZh: id,
      level: 'basic' as const,
    })),
  );
  const keyRows = w.keys.map((k, i) => ({
    id: `k${i}`,
    unitId: k.unitId,
    displayName: `k${i}`,
    role: k.role as 'supervisor',
    status: k.status as 'approved',
    publicKey: `key ${i}`,
    fingerprint: `F${String(i).padStart(3, '0')}`,
    encryptionKeyIds: '[]',
    keyExpiresAt: k.keyExpiresAt,
    pseudonym: `Supervisor ${i}`,
    createdAt: 0,
  }));
  if (keyRows.length) await db.insert(supervisors).values(keyRows);
  const cases: (CaseFacts & { id: string })[] = [];
  for (const [i, c] of w.cases.entries()) {
    const parentId = parentOf.get(c.unitId) ?? null;
    const copiedUnitId = c.copied === 'parent' ? parentId : c.copied === 'other' ? c.other : null;
    const id = `r${i}`;
    const excluded = [...new Set(c.excluded)]
      .filter((n) => n < keyRows.length)
      .map((n) => `k${n}`)
      .sort();
    const grandparent = parentId ? (parentOf.get(parentId) ?? null) : null;
    const escalatedUnitId = c.escalated && c.retaliationFlagged ? grandparent : null;
    const sharedUnitIds = c.shared && parentId ? [parentId] : [];
    const readers = keyRows.filter(
      (k, n) => k.unitId === c.unitId && isReadingKey(w.keys[n]!, now),
    );
    cases.push({
      id,
      unitId: c.unitId,
      copiedUnitId,
      retaliationFlagged: c.retaliationFlagged,
      parentId,
      sharedUnitIds,
      escalatedUnitId,
      excludedKeyIds: excluded,
      addressedHasReaders: hasReader(readers, excluded),
    });
    for (const unit of sharedUnitIds)
      await db.insert(caseShares).values({ reportId: id, unitId: unit, day: '2026-01-03' });
    if (excluded.length)
      await db
        .insert(caseExclusions)
        .values(excluded.map((supervisorId) => ({ reportId: id, supervisorId })));
    await db.insert(reports).values({
      id,
      unitId: c.unitId,
      copiedUnitId,
      lookupHash: await sha256Hex(id),
      reporterPublicKey: 'r',
      reporterLockedKey: 'r',
      retaliationFlagged: c.retaliationFlagged,
      receivedDay: '2026-01-01',
      acknowledgeBy: '2026-01-08',
      feedbackBy: '2026-04-01',
      sortKey: `1|2026-01-08|${id}`,
      escalatedUnitId,
    });
    if (c.retaliationFlagged)
      await db.insert(retaliationFlags).values({
        id: `f${i}`,
        reportId: id,
        messageId: 'm',
        day: '2026-01-02',
        dueBy: '2026-01-04',
      });
  }
  return { cases, keyRows };
}

const actorOf = (unit: string): Actor => ({
  id: 'x',
  unitId: unit,
  role: 'supervisor',
  displayName: 'x',
  pseudonym: 'x',
  fingerprint: 'x',
});

describe('every query agrees with the rules', () => {
  it('inbox, case opening, retaliation list, unit keys and the reporter view', async () => {
    const now = Math.floor(h.ctx.now().getTime() / 1000);
    // One fixed instant for every query, however long the runs take: a key made to expire ten
    // seconds after it must not expire half-way on a slow machine.
    const ctx = { ...h.ctx, now: () => new Date(now * 1000) };
    const keyAt = (k: KeyFacts) => ({
      ...k,
      keyExpiresAt: k.keyExpiresAt === null ? null : k.keyExpiresAt - NOW + now,
    });
    await fc.assert(
      fc.asyncProperty(world, async (w0) => {
        const w = { ...w0, keys: w0.keys.map(keyAt) };
        const { cases, keyRows } = await writeWorld(w, now);
        // Each unit as a key nobody excluded, and as each of its own keys (some excluded).
        const actors = UNIT_IDS.flatMap((u) => [
          actorOf(u),
          ...keyRows.filter((k) => k.unitId === u).map((k) => ({ ...actorOf(u), id: k.id })),
        ]);
        for (const actor of actors) {
          const expected = cases
            .map((c) => [c.id, relationOfKey(c, actor)] as const)
            .filter(([, r]) => r !== null);
          const { items } = await listInbox(ctx, actor, { limit: 100 });
          expect(items.map((i) => [i.id, i.relation]).sort()).toEqual([...expected].sort());
          // A notice counts the same cases: in this world every case is still to be
          // acknowledged by 8 January and every flag due by 4 January, long past.
          const notice = await summary(ctx, { ...actor, role: 'supervisor' });
          const flagged = expected.filter(
            ([id]) => cases.find((c) => c.id === id)?.retaliationFlagged,
          );
          expect(notice.overdue).toBe(expected.length + flagged.length);
          const flags = await listFlags(ctx, actor, {});
          expect(flags.map((f) => [f.reportId, f.relation]).sort()).toEqual(
            expected.filter(([id]) => cases.find((c) => c.id === id)?.retaliationFlagged).sort(),
          );
          for (const c of cases) {
            const opened = await caseForActor(ctx, actor, c.id).then(
              (r) => r.relation,
              () => null,
            );
            expect(opened).toBe(relationOfKey(c, actor));
          }
        }
        // Every case a unit sees, as a bulk grant or a recovery takes them (`visibleTo`).
        for (const u of UNIT_IDS) {
          const expected = cases.filter((c) => relationOfKey(c, actorOf(u)) !== null);
          expect((await unitCaseIds(ctx, u)).sort()).toEqual(expected.map((c) => c.id).sort());
        }
        const byUnit = await activeKeys(ctx, UNIT_IDS);
        for (const [i, u] of UNIT_IDS.entries()) {
          const expected = keyRows
            .filter((k, i) => k.unitId === u && isReadingKey(w.keys[i]!, now))
            .map((k) => k.fingerprint);
          expect((byUnit.get(u) ?? []).map((k) => k.fingerprint)).toEqual(expected);
          // What a new report reads: the unit, the unit above, and the keys of both.
          const parentId = w.parents[i] ?? null;
          const found = await unitWithKeys(ctx, u);
          expect(found?.unit).toEqual({ id: u, parentId });
          const units = parentId ? [u, parentId] : [u];
          expect(found?.keys).toEqual(await activeKeys(ctx, units));
        }
        expect(await unitWithKeys(ctx, 'no such unit')).toBeNull();
        for (const c of cases) {
          const text = await reporterViewJson(ctx, c.id);
          const view = JSON.parse(
            typeof text === 'string' ? text : new TextDecoder().decode(text!),
          ) as CaseViewBody;
          const keysFor = (p: 'message' | 'retaliation') =>
            recipientUnits(c, p).flatMap((u) =>
              keyRows
                .filter((k, i) => k.unitId === u && isReadingKey(w.keys[i]!, now))
                .filter((k) => !c.excludedKeyIds?.includes(k.id))
                .map((k) => k.publicKey),
            );
          expect(
            view.unitKeys
              .filter((k) => k.messages)
              .map((k) => k.publicKey)
              .sort(),
          ).toEqual([...new Set(keysFor('message'))].sort());
          expect(
            view.unitKeys
              .filter((k) => k.retaliation)
              .map((k) => k.publicKey)
              .sort(),
          ).toEqual([...new Set(keysFor('retaliation'))].sort());
        }
      }),
      { numRuns: 25 },
    );
  });
});
