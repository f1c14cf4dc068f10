// Hono environment shared by every route: the service context and a per-request ID.

import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { HeldSpend } from '../pow/service';
import type { ReportRow } from '../receipts/access';

export interface AppEnv {
  /** `report`: the reporter's case on receipt routes, found from the lookup token. */
  /** `powSpend`: a submission's proof of work, spent, to be written with what it paid for. */
  Variables: { ctx: Ctx; actor: Actor; report: ReportRow; powSpend: HeldSpend };
  // biome-ignore lint/suspicious/noExplicitAny: bindings differ per runtime (Workers env, none on Node)
  Bindings: any;
}
