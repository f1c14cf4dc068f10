// Who is acting: a signed-in supervisor, administrator or auditor, as services see them.
import type { Role } from '../supervisors/records';

export interface Actor {
  id: string;
  unitId: string;
  role: Role;
  displayName: string;
  pseudonym: string;
  fingerprint: string;
}

/** Operator actions from the command line are audited under this actor. */
export const OPERATOR_ACTOR_ID = 'operator';
