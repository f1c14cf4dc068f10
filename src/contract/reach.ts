// Who may read a case, as pure rules over plain facts: the one place the portal decides it. The
// server's queries (cases/reach.ts), the reporter's browser and the CLI all take their answer from here.
// No imports, so the browser bundle and property tests use these functions as they are.
// New rules belong here too: a reporter's exclusion of named keys is a filter in `mayRead` and in
// the recipient keys; a case shared with the unit above is one more relation in `caseUnits`; a
// unit that sees only flags is a purpose that `recipientUnits` gives it and `caseUnits` does not.

/** How a unit comes to see a case. */
export type Relation = 'addressed' | 'copied' | 'retaliation';

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
}

export interface ReachUnit {
  unitId: string;
  relation: Relation;
}

/** Roles whose approved keys receive a unit's content. Administrators and auditors never do. */
export const READING_ROLES = ['supervisor', 'recovery'] as const;

export interface KeyFacts {
  unitId: string;
  role: string;
  status: string;
  /** Key expiry in Unix seconds, or null for a key that does not expire. */
  keyExpiresAt: number | null;
}

function withRelations(facts: CaseFacts, parentToo: boolean): ReachUnit[] {
  const out: ReachUnit[] = [{ unitId: facts.unitId, relation: 'addressed' }];
  const add = (unitId: string | null, relation: Relation) => {
    if (unitId && !out.some((u) => u.unitId === unitId)) out.push({ unitId, relation });
  };
  add(facts.copiedUnitId, 'copied');
  if (parentToo) add(facts.parentId, 'retaliation');
  return out;
}

/** Units that see the case now, addressed first: inbox, opening, replies, grants. */
export function caseUnits(facts: CaseFacts): ReachUnit[] {
  return withRelations(facts, facts.retaliationFlagged);
}

/** Units whose keys must read what is written for `purpose`, in the order recipients are checked. */
export function recipientUnits(facts: CaseFacts, purpose: Purpose): string[] {
  const parentToo = purpose === 'retaliation' || (purpose === 'reply' && facts.retaliationFlagged);
  return withRelations(facts, parentToo).map((u) => u.unitId);
}

/** How a unit sees the case, or null when it may not see it at all. */
export function relationOf(facts: CaseFacts, unitId: string): Relation | null {
  return caseUnits(facts).find((u) => u.unitId === unitId)?.relation ?? null;
}

/** A key that receives new content of its unit: approved, of a reading role, not expired. */
export function isReadingKey(key: KeyFacts, nowSeconds: number): boolean {
  return (
    key.status === 'approved' &&
    (READING_ROLES as readonly string[]).includes(key.role) &&
    (key.keyExpiresAt === null || key.keyExpiresAt > nowSeconds)
  );
}

/** Whether a key may be given (granted) the case's content: a reading key of a unit that sees it. */
export function mayRead(key: KeyFacts, facts: CaseFacts, nowSeconds: number): boolean {
  return isReadingKey(key, nowSeconds) && relationOf(facts, key.unitId) !== null;
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

/**
 * The keys a new report is encrypted to, from the published unit list: the chosen unit's, then
 * the unit above's when it is copied (each key once). The reporter's own key is added by the caller.
 */
export function reportRecipientKeys<K extends { fingerprint: string; publicKey: string }>(
  units: { id: string; parentId: string | null; keys: K[] }[],
  unitId: string,
  copyToParent: boolean,
): string[] {
  const unit = units.find((u) => u.id === unitId);
  if (!unit) throw new Error('unknown unit');
  const facts: CaseFacts = {
    unitId,
    copiedUnitId: copyToParent ? unit.parentId : null,
    retaliationFlagged: false,
    parentId: unit.parentId,
  };
  const seen = new Set<string>();
  return recipientUnits(facts, 'message')
    .flatMap((id) => units.find((u) => u.id === id)?.keys ?? [])
    .filter((k) => !seen.has(k.fingerprint) && seen.add(k.fingerprint))
    .map((k) => k.publicKey);
}
