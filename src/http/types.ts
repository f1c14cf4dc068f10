// Hono environment shared by every route: the service context and a per-request ID.
import type { Ctx } from '../context';

export interface AppEnv {
  Variables: { ctx: Ctx; requestId: string };
  // biome-ignore lint/suspicious/noExplicitAny: bindings differ per runtime (Workers env, none on Node)
  Bindings: any;
}
