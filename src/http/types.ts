// Hono environment shared by every route: the service context and a per-request ID.

import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';

export interface AppEnv {
  Variables: { ctx: Ctx; actor: Actor };
  // biome-ignore lint/suspicious/noExplicitAny: bindings differ per runtime (Workers env, none on Node)
  Bindings: any;
}
