// Who may read a case, as pure rules over plain facts: the one place the portal decides it. The
// server's queries (cases/reach.ts), the reporter's browser and the CLI all take their answer from here.
// No imports, so the browser bundle and property tests use these functions as they are.
// New rules belong here too: a reporter's exclusion of named keys is a filter in `mayRead` and in
// the recipient keys; a case shared with the unit above is one more relation in `caseUnits`; a
// unit that sees only flags is a purpose that `recipientUnits` gives it and `caseUnits` does not.

/**
 * How a unit comes to see a case. `addressed`, `copied` and `shared` units read the whole case;
 * a unit that reaches it only from below (`retaliation`: a flag went up to it; `escalated`: the
 * unit below has no reader left, or a flag was left unanswered past its deadline) reads what is
 * written to it from then on and works on the flags, not on the case (`mayActOnCase`).
 */
export const RELATIONS = ['addressed', 'copied', 'shared', 'escalated', 'retaliation'] as const;
export type Relation = (typeof RELATIONS)[number];

/**
 * What is being written, which decides whose keys must be able to read it: the reporter's report
 * and ordinary follow-up (`message`), a retaliation flag and its evidence (`retaliation`, which
 * always reaches the unit above), and a supervisor's reply (`reply`, to every unit that sees the
 * case now).
 */
export type Purpose = 'message' | 'retaliation' | 'reply';

/** The facts about a case the rules need; the unit above is the addressed unit's parent. */
export interface CaseFacts {
  unitId: string;
  copiedUnitId: string | null;
  retaliationFlagged: boolean;
  parentId: string | null;
  /** Units the reporter shared the whole case with (their browser re-wrapped it for them). */
  sharedUnitIds?: string[];
  /** The unit two levels up that an unanswered flag was passed to (retaliation/escalation.ts). */
  escalatedUnitId?: string | null;
  /**
   * Whether the addressed unit still has a reader for this case: an active supervisor key the
   * reporter did not exclude. Without one, what is written goes to the unit above. Default true.
   */
  addressedHasReaders?: boolean;
  /** Supervisor (key) IDs the reporter excluded: they never read, see or receive the case. */
  excludedKeyIds?: string[];
}

export interface ReachUnit {
  unitId: string;
  relation: Relation;
}

/** Relations that read the whole case and so may change its state, outcome and classification. */
export const CASE_POWERS: readonly Relation[] = ['addressed', 'copied', 'shared'];

/** Whether a unit that sees the case so may change its state, outcome or classification. */
export const mayActOnCase = (relation: Relation) => CASE_POWERS.includes(relation);

/** Roles whose approved keys receive a unit's content. Administrators and auditors never do. */
export const READING_ROLES = ['supervisor', 'recovery'] as const;

export interface KeyFacts {
  /** The key's supervisor row ID, checked against the case's exclusions when given. */
  id?: string;
  unitId: string;
  role: string;
  status: string;
  /** Key expiry in Unix seconds, or null for a key that does not expire. */
  keyExpiresAt: number | null;
}

function withRelations(facts: CaseFacts, purpose: Purpose | 'see'): ReachUnit[] {
  const out: ReachUnit[] = [{ unitId: facts.unitId, relation: 'addressed' }];
  const add = (unitId: string | null | undefined, relation: Relation) => {
    if (unitId && !out.some((u) => u.unitId === unitId)) out.push({ unitId, relation });
  };
  add(facts.copiedUnitId, 'copied');
  for (const id of facts.sharedUnitIds ?? []) add(id, 'shared');
  if (facts.addressedHasReaders === false) add(facts.parentId, 'escalated');
  const flagsToo = purpose === 'retaliation' || (purpose !== 'message' && facts.retaliationFlagged);
  if (flagsToo) {
    add(facts.parentId, 'retaliation');
    add(facts.escalatedUnitId, 'escalated');
  }
  return out;
}

/** Units that see the case now, addressed first: inbox, opening, replies, grants. */
export function caseUnits(facts: CaseFacts): ReachUnit[] {
  return withRelations(facts, 'see');
}

/** Units whose keys must read what is written for `purpose`, in the order recipients are checked. */
export function recipientUnits(facts: CaseFacts, purpose: Purpose): string[] {
  return withRelations(facts, purpose).map((u) => u.unitId);
}

/** How a unit sees the case, or null when it may not see it at all. */
export function relationOf(facts: CaseFacts, unitId: string): Relation | null {
  return caseUnits(facts).find((u) => u.unitId === unitId)?.relation ?? null;
}

/** Whether the reporter excluded this key (supervisor row ID) from the case. */
export const isExcluded = (facts: Pick<CaseFacts, 'excludedKeyIds'>, keyId: string) =>
  (facts.excludedKeyIds ?? []).includes(keyId);

/** How a supervisor (key and unit) sees the case: null when excluded or outside its reach. */
export function relationOfKey(
  facts: CaseFacts,
  key: { id: string; unitId: string },
): Relation | null {
  return isExcluded(facts, key.id) ? null : relationOf(facts, key.unitId);
}

/**
 * The units a reporter may share the whole case with: the unit above, and a unit an unanswered
 * flag was passed to, unless the case already reaches it as a reader.
 */
export function shareTargets(facts: CaseFacts): string[] {
  const reads = new Set(
    caseUnits(facts)
      .filter((u) => mayActOnCase(u.relation))
      .map((u) => u.unitId),
  );
  return [facts.parentId, facts.escalatedUnitId ?? null].filter(
    (id): id is string => id !== null && !reads.has(id),
  );
}

/** A key that receives new content of its unit: approved, of a reading role, not expired. */
export function isReadingKey(key: KeyFacts, nowSeconds: number): boolean {
  return (
    key.status === 'approved' &&
    (READING_ROLES as readonly string[]).includes(key.role) &&
    (key.keyExpiresAt === null || key.keyExpiresAt > nowSeconds)
  );
}

/**
 * Whether a key may be given (granted) the case's content: a reading key, not excluded, of a unit
 * that reads the case (one that sees only flags gets only what is written to it).
 */
export function mayRead(key: KeyFacts, facts: CaseFacts, nowSeconds: number): boolean {
  const relation = relationOf(facts, key.unitId);
  return (
    isReadingKey(key, nowSeconds) &&
    relation !== null &&
    mayActOnCase(relation) &&
    !(key.id !== undefined && isExcluded(facts, key.id))
  );
}

export interface UnitHealth {
  /** Active reading keys of people (the recovery key not counted). */
  readers: number;
  hasRecoveryKey: boolean;
  /** Fewer than two readers and no recovery key: one lost key and its cases are lost. */
  atRisk: boolean;
}

/** How safe a unit's cases are from losing keys, from its reading keys' roles. */
export function unitHealth(keys: { role: string }[]): UnitHealth {
  const readers = keys.filter((k) => k.role === 'supervisor').length;
  const hasRecoveryKey = keys.some((k) => k.role === 'recovery');
  return { readers, hasRecoveryKey, atRisk: readers < 2 && !hasRecoveryKey };
}

/** A unit's key as the published unit list gives it. */
export interface ListedKey {
  id: string;
  fingerprint: string;
  publicKey: string;
  role: string;
}

export interface ListedUnit<K extends ListedKey> {
  id: string;
  parentId: string | null;
  keys: K[];
}

/** Why a new report with these exclusions cannot be sent, or null when it can. */
export type ExclusionProblem = 'foreign_key' | 'no_reader_left' | 'recovery_key';

/**
 * Checks a reporter's exclusions for a new report: only people's keys of the units that receive
 * it (the chosen unit, and the unit above when copied) may be excluded, and at least one reader
 * of the case must remain.
 */
export function exclusionProblem<K extends ListedKey>(
  units: ListedUnit<K>[],
  unitId: string,
  copyToParent: boolean,
  excluded: string[],
): ExclusionProblem | null {
  if (excluded.length === 0) return null;
  const keys = reportUnits(units, unitId, copyToParent).flatMap((u) => u.keys);
  const byId = new Map(keys.map((k) => [k.id, k]));
  for (const id of excluded) {
    const key = byId.get(id);
    if (!key) return 'foreign_key';
    if (key.role !== 'supervisor') return 'recovery_key';
  }
  const left = keys.filter((k) => k.role === 'supervisor' && !excluded.includes(k.id));
  return left.length === 0 ? 'no_reader_left' : null;
}

function reportUnits<K extends ListedKey>(
  units: ListedUnit<K>[],
  unitId: string,
  copyToParent: boolean,
): ListedUnit<K>[] {
  const unit = units.find((u) => u.id === unitId);
  if (!unit) throw new Error('unknown unit');
  const parent = copyToParent ? units.find((u) => u.id === unit.parentId) : undefined;
  return parent ? [unit, parent] : [unit];
}

/** Whether a unit has a reader for a case: an active person's key not excluded from it. */
export const hasReader = (keys: { id: string; role: string }[], excluded: string[] = []) =>
  keys.some((k) => k.role === 'supervisor' && !excluded.includes(k.id));

/**
 * The keys a new report is encrypted to, from the published unit list: the chosen unit's, then
 * the unit above's when it is copied (each key once), without the keys the reporter excluded.
 * The reporter's own key is added by the caller.
 */
export function reportRecipientKeys<K extends ListedKey>(
  units: ListedUnit<K>[],
  unitId: string,
  copyToParent: boolean,
  excluded: string[] = [],
): string[] {
  const seen = new Set<string>();
  return reportUnits(units, unitId, copyToParent)
    .flatMap((u) => u.keys)
    .filter((k) => !excluded.includes(k.id))
    .filter((k) => !seen.has(k.fingerprint) && seen.add(k.fingerprint))
    .map((k) => k.publicKey);
}
