// Hono environment shared by every route: the service context and a per-request ID.

import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { ReportRow } from '../receipts/access';

export interface AppEnv {
  /** `report`: the reporter's case on receipt routes, found from the lookup token. */
  Variables: { ctx: Ctx; actor: Actor; report: ReportRow };
  // biome-ignore lint/suspicious/noExplicitAny: bindings differ per runtime (Workers env, none on Node)
  Bindings: any;
}
