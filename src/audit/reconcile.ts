// Reconciliation: replays the log and checks that the security-relevant state of the database
// agrees with it, naming every row that does not. Each aspect is a checker of its own, so more
// can be added (a checker reads what `replay` gathered and the tables it is about).
import { and, eq, inArray } from 'drizzle-orm';
import {
  auditCheckpoints,
  caseExclusions,
  caseGrants,
  reports,
  supervisors,
  units,
} from '../../db/schema';
import type { Ctx } from '../context';
import { toDay } from '../lib/days';
import { type Approval, approvalOf, approvalsComplete } from '../supervisors/approvals';
import { sweptThrough } from './arrivals';
import type { ChainedEntry } from './chain';
import { checkpointSigner, parseCheckpoint, type SignerKey } from './checkpoints';
import { exclusionCommitment } from './exclusion';

export interface Disagreement {
  /** Which checker found it, e.g. `cases`. */
  checker: string;
  /** The row, named by table and id, e.g. `reports/AbC…`. */
  row: string;
  problem: string;
  /** Not a disagreement yet: the row is too new for the log to hold it (a case of today). */
  waiting?: true;
}

/** What the log says, gathered in one pass over the entries. */
export interface LoggedState {
  arrivals: Map<string, { unitId: string | null; copiedUnitId: string | null; day: string }>;
  deleted: Set<string>;
  /** Every case id any entry names, with the first entry naming it. */
  mentioned: Map<string, number>;
  /** Arrivals of every day through this one are in the log. */
  arrivalsThrough: string | null;
  units: Map<string, { parentId: string | null | undefined }>;
  /** Each key's approvals, and the entry that rejected or revoked it (null while open). */
  keys: Map<string, { approvals: Approval[]; closedAt: number | null }>;
  grants: {
    seq: number;
    grantId: string | null;
    reportId: string | null;
    granteeId: string | null;
  }[];
  /** Logged exclusion commitments (`case.exclusion`), and whether their case was deleted since. */
  exclusions: Map<string, 'logged' | 'deleted'>;
  /** The heads of the chain by entry count, to check checkpoints against. */
  hashes: Map<number, string>;
  /** Each entry's day (seconds), to judge a checkpoint by its head's day (checkpoints.ts). */
  ats: Map<number, number>;
  operatorEntries: number;
  supervisorEntries: number;
  systemEntries: number;
}

const detailOf = (e: ChainedEntry): Record<string, unknown> => {
  try {
    return JSON.parse(e.detail) as Record<string, unknown>;
  } catch {
    return {};
  }
};
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function emptyState(): LoggedState {
  return {
    arrivals: new Map(),
    deleted: new Set(),
    mentioned: new Map(),
    arrivalsThrough: null,
    units: new Map(),
    keys: new Map(),
    grants: [],
    exclusions: new Map(),
    hashes: new Map(),
    ats: new Map(),
    operatorEntries: 0,
    supervisorEntries: 0,
    systemEntries: 0,
  };
}

/** Folds one entry (already checked by the chain) into what the log says. */
export function replay(state: LoggedState, e: ChainedEntry): void {
  const d = detailOf(e);
  state.hashes.set(e.seq, e.hash);
  state.ats.set(e.seq, e.at);
  if (e.actorId === 'operator') state.operatorEntries++;
  else if (e.actorId === null) state.systemEntries++;
  else state.supervisorEntries++;
  if (e.reportId && !state.mentioned.has(e.reportId)) state.mentioned.set(e.reportId, e.seq);
  const key = (id: string) => {
    let k = state.keys.get(id);
    if (!k) {
      k = { approvals: [], closedAt: null };
      state.keys.set(id, k);
    }
    return k;
  };
  const approval = approvalOf(e);
  if (approval && e.targetId) key(e.targetId).approvals.push(approval);
  switch (e.action) {
    case 'case.arrive':
      if (e.reportId)
        state.arrivals.set(e.reportId, {
          unitId: e.unitId,
          copiedUnitId: str(d.copiedUnitId),
          day: str(d.day) ?? '',
        });
      break;
    case 'case.arrivals':
      state.arrivalsThrough = str(d.through) ?? state.arrivalsThrough;
      break;
    case 'case.delete': {
      if (e.reportId) state.deleted.add(e.reportId);
      // A deleted case takes its exclusion rows with it; its entry says which commitment went.
      const gone = str(d.exclusion);
      if (gone) state.exclusions.set(gone, 'deleted');
      break;
    }
    case 'unit.create':
      if (e.unitId)
        state.units.set(e.unitId, { parentId: 'parentId' in d ? str(d.parentId) : undefined });
      break;
    case 'supervisor.reject':
    case 'supervisor.revoke':
      if (e.targetId) key(e.targetId).closedAt ??= e.seq;
      break;
    case 'case.grant':
      state.grants.push({
        seq: e.seq,
        grantId: str(d.grantId),
        reportId: e.reportId,
        granteeId: e.targetId,
      });
      break;
    case 'case.exclusion': {
      // Keyed by the commitment itself: the entry names no case (exclusion.ts).
      const commitment = str(d.commitment);
      if (commitment) state.exclusions.set(commitment, 'logged');
      break;
    }
  }
}

export interface Checker {
  name: string;
  check(ctx: Ctx, log: LoggedState, today: string): Promise<Disagreement[]>;
}

/** A case exists iff it arrived (or is too new to be logged yet) and was not deleted; its unit. */
const cases: Checker = {
  name: 'cases',
  async check(ctx, log) {
    const out: Disagreement[] = [];
    const rows = await ctx.db
      .select({ id: reports.id, unitId: reports.unitId, day: reports.receivedDay })
      .from(reports);
    const present = new Set<string>();
    // Arrivals are logged at 00:05 UTC after their day (arrivals.ts): until then a case is waiting
    // for its entry. Any older case without one is named, whether or not a sweep has run since.
    const due = sweptThrough(ctx.now());
    const swept = log.arrivalsThrough;
    for (const r of rows) {
      present.add(r.id);
      const row = `reports/${r.id}`;
      const arrived = log.arrivals.get(r.id);
      if (log.deleted.has(r.id))
        out.push({ checker: 'cases', row, problem: 'deleted in the log, yet present' });
      else if (!arrived) {
        if (swept !== null && r.day <= swept)
          out.push({
            checker: 'cases',
            row,
            problem: `no arrival in the log (received ${r.day}; every arrival through ${swept} is logged)`,
          });
        else if (r.day > due)
          out.push({ checker: 'cases', row, problem: 'not yet logged', waiting: true });
        else
          out.push({
            checker: 'cases',
            row,
            problem: `no arrival in the log (received ${r.day}, a day whose sweep was due; the last sweep logged through ${swept ?? 'no day'}): added by hand, or the daily sweep did not run`,
          });
      } else {
        if (arrived.unitId !== r.unitId)
          out.push({
            checker: 'cases',
            row,
            problem: `unit ${r.unitId}, but it arrived for ${arrived.unitId}`,
          });
        if (arrived.day !== r.day)
          out.push({
            checker: 'cases',
            row,
            problem: `received ${r.day}, but it arrived on ${arrived.day}`,
          });
      }
    }
    for (const [id] of log.arrivals)
      if (!present.has(id) && !log.deleted.has(id))
        out.push({
          checker: 'cases',
          row: `reports/${id}`,
          problem: 'arrived in the log, no deletion logged, but missing',
        });
    for (const [id, seq] of log.mentioned)
      if (!present.has(id) && !log.deleted.has(id) && !log.arrivals.has(id))
        out.push({
          checker: 'cases',
          row: `reports/${id}`,
          problem: `named by entry ${seq}, no deletion logged, but missing`,
        });
    return out;
  },
};

/** The unit above gets a copy exactly as the reporter asked at arrival. */
const copies: Checker = {
  name: 'copies',
  async check(ctx, log) {
    const rows = await ctx.db
      .select({ id: reports.id, copiedUnitId: reports.copiedUnitId })
      .from(reports);
    return rows.flatMap((r) => {
      const arrived = log.arrivals.get(r.id);
      if (!arrived || arrived.copiedUnitId === r.copiedUnitId) return [];
      return [
        {
          checker: 'copies',
          row: `reports/${r.id}`,
          problem: `copied to ${r.copiedUnitId ?? 'no unit'}, but it arrived copied to ${arrived.copiedUnitId ?? 'no unit'}`,
        },
      ];
    });
  },
};

/** Units exist as created, under the parent they were created under. */
const unitTree: Checker = {
  name: 'units',
  async check(ctx, log) {
    const out: Disagreement[] = [];
    const rows = await ctx.db.select({ id: units.id, parentId: units.parentId }).from(units);
    const present = new Set(rows.map((u) => u.id));
    for (const u of rows) {
      const logged = log.units.get(u.id);
      const row = `units/${u.id}`;
      if (!logged) out.push({ checker: 'units', row, problem: 'no unit.create in the log' });
      else if (logged.parentId !== undefined && logged.parentId !== u.parentId)
        out.push({
          checker: 'units',
          row,
          problem: `parent ${u.parentId ?? 'none'}, but created under ${logged.parentId ?? 'none'}`,
        });
    }
    for (const id of log.units.keys())
      if (!present.has(id))
        out.push({
          checker: 'units',
          row: `units/${id}`,
          problem: 'created in the log, but missing',
        });
    return out;
  },
};

/** Every approved key has its approvals (both sides, or the bootstrap), for its fingerprint. */
const keyApprovals: Checker = {
  name: 'keys',
  async check(ctx, log) {
    const out: Disagreement[] = [];
    const rows = await ctx.db
      .select({
        id: supervisors.id,
        status: supervisors.status,
        fingerprint: supervisors.fingerprint,
        role: supervisors.role,
      })
      .from(supervisors);
    for (const s of rows) {
      if (s.status !== 'approved') continue;
      const logged = log.keys.get(s.id);
      const row = `supervisors/${s.id}`;
      if (!logged || !approvalsComplete(logged.approvals, s.fingerprint))
        out.push({
          checker: 'keys',
          row,
          problem: `${s.role} key ${s.fingerprint} is approved without the approvals the log must hold`,
        });
      else if (logged.closedAt !== null)
        out.push({ checker: 'keys', row, problem: 'approved, but rejected or revoked in the log' });
    }
    return out;
  },
};

/** Every grant row was logged, for the same case and grantee. */
const grants: Checker = {
  name: 'grants',
  async check(ctx, log) {
    const rows = await ctx.db
      .select({ id: caseGrants.id, reportId: caseGrants.reportId, granteeId: caseGrants.granteeId })
      .from(caseGrants);
    const byId = new Map(log.grants.filter((g) => g.grantId).map((g) => [g.grantId, g]));
    return rows.flatMap((g) => {
      const logged =
        byId.get(g.id) ??
        log.grants.find(
          (l) => l.grantId === null && l.reportId === g.reportId && l.granteeId === g.granteeId,
        );
      if (logged && logged.reportId === g.reportId && logged.granteeId === g.granteeId) return [];
      return [
        {
          checker: 'grants',
          row: `case_grants/${g.id}`,
          problem: `grant of ${g.reportId} to ${g.granteeId} is not in the log`,
        },
      ];
    });
  },
};

/**
 * The auditor keys the database knows, as witnesses of checkpoints: approved ones, and revoked
 * ones for the heads before their revocation in the log (checkpointSigner). A revoked row the log
 * never saw revoked is left out: nothing says until when it was valid.
 */
export async function knownAuditors(ctx: Ctx, log: LoggedState) {
  const rows = await ctx.db
    .select()
    .from(supervisors)
    .where(
      and(eq(supervisors.role, 'auditor'), inArray(supervisors.status, ['approved', 'revoked'])),
    );
  return rows.flatMap((s) => {
    const closedAt = log.keys.get(s.id)?.closedAt ?? null;
    if (s.status === 'revoked' && closedAt === null) return [];
    const key: SignerKey & { id: string } = {
      id: s.id,
      name: `auditor ${s.displayName}`,
      fingerprint: s.fingerprint,
      publicKey: s.publicKey,
      closedAt,
    };
    return [key];
  });
}

/** Stored checkpoints: signed by the auditor they name, judged at their own time, for a head this
 * chain still has. */
const checkpoints: Checker = {
  name: 'checkpoints',
  async check(ctx, log) {
    const out: Disagreement[] = [];
    const rows = await ctx.db.select().from(auditCheckpoints);
    const auditors = new Map((await knownAuditors(ctx, log)).map((k) => [k.id, k]));
    for (const c of rows) {
      const row = `audit_checkpoints/${c.id}`;
      const head = parseCheckpoint(c.text);
      const signer = auditors.get(c.signerId);
      if (head?.entries !== c.seq || head.hash !== c.hash)
        out.push({ checker: 'checkpoints', row, problem: 'its text is not of the head it names' });
      else if (signer?.fingerprint !== c.signerFingerprint)
        out.push({ checker: 'checkpoints', row, problem: 'not signed by a known auditor' });
      else {
        const found = await checkpointSigner(
          { text: c.text, signature: c.signature, head },
          log.ats.get(c.seq),
          [signer],
          ctx.now(),
        );
        if ('problem' in found)
          out.push({
            checker: 'checkpoints',
            row,
            problem:
              found.reason === 'unsigned'
                ? `the signature does not verify with the key of ${signer.name}: forged`
                : found.problem,
          });
      }
      if (log.hashes.get(c.seq) !== c.hash)
        out.push({
          checker: 'checkpoints',
          row,
          problem: `the chain does not extend this checkpoint (entry ${c.seq}, head ${c.hash})`,
        });
    }
    return out;
  },
};

/**
 * Each case's exclusions, recomputed from `case_exclusions` as the commitment the log holds
 * (exclusion.ts): rows added or removed change it. A logged commitment that no case matches means
 * a case's exclusion rows were removed, unless the case's deletion took them (`detail.exclusion`).
 * Drafts (no report row yet) are skipped: their exclusion is logged when they become a report.
 */
const exclusions: Checker = {
  name: 'exclusions',
  async check(ctx, log) {
    const out: Disagreement[] = [];
    const rows = await ctx.db
      .select({ reportId: caseExclusions.reportId, fingerprint: supervisors.fingerprint })
      .from(caseExclusions)
      .innerJoin(reports, eq(reports.id, caseExclusions.reportId))
      .leftJoin(supervisors, eq(supervisors.id, caseExclusions.supervisorId));
    const byCase = new Map<string, string[]>();
    for (const r of rows)
      byCase.set(r.reportId, [...(byCase.get(r.reportId) ?? []), r.fingerprint ?? '(no such key)']);
    const matched = new Set<string>();
    for (const [id, fingerprints] of byCase) {
      const commitment = await exclusionCommitment(id, fingerprints);
      if (log.exclusions.get(commitment) === 'logged') matched.add(commitment);
      else
        out.push({
          checker: 'exclusions',
          row: `case_exclusions/${id}`,
          problem: 'the excluded keys do not match any exclusion in the log',
        });
    }
    for (const [commitment, state] of log.exclusions)
      if (state === 'logged' && !matched.has(commitment))
        out.push({
          checker: 'exclusions',
          row: 'case_exclusions',
          problem: `the logged exclusion ${commitment.slice(0, 16)}… matches no case: its rows were removed`,
        });
    return out;
  },
};

/** Every checker `audit verify` runs. */
export const CHECKERS: Checker[] = [
  cases,
  copies,
  unitTree,
  keyApprovals,
  grants,
  exclusions,
  checkpoints,
];

export async function reconcile(ctx: Ctx, log: LoggedState, checkers = CHECKERS) {
  const today = toDay(ctx.now());
  const out: Disagreement[] = [];
  for (const c of checkers) out.push(...(await c.check(ctx, log, today)));
  return out;
}
