// Composes the portal: per-request context, security headers, feature routes, one error mapping.
import { Hono, type MiddlewareHandler } from 'hono';
import { auditRoutes } from './audit/routes';
import { authRoutes } from './auth/routes';
import { caseRoutes } from './cases/routes';
import type { Ctx } from './context';
import { grantRoutes } from './grants/routes';
import { handleError, notFoundRoute } from './http/errors';
import { securityHeaders } from './http/headers';
import { isStaffPath, type RequestTally } from './http/request-log';
import type { AppEnv } from './http/types';
import { notifyRoutes } from './notify/routes';
import { openApiRoutes } from './openapi/document';
import { powRoutes } from './pow/routes';
import { receiptRoutes } from './receipts/routes';
import { reportRoutes } from './reports/routes';
import { retaliationRoutes } from './retaliation/routes';
import { retentionRoutes } from './retention/routes';
import { statsRoutes } from './stats/routes';
import { supervisorRoutes } from './supervisors/routes';
import { unitRoutes } from './units/routes';
import { uploadRoutes } from './uploads/routes';

export type CtxResolver = (env: AppEnv['Bindings']) => Ctx | Promise<Ctx>;

export interface AppOptions {
  /** Serves public/ where the platform does not (Node); Workers serve static assets themselves. */
  staticFiles?: MiddlewareHandler<AppEnv>;
  /**
   * Receives one line a staff-side request: method, route pattern, status, time. Nothing
   * identifying. Public-side requests go to `tally` instead (see `http/request-log.ts`).
   */
  log?: (line: string) => void;
  /** Counts public-side requests, for a once-a-day line. */
  tally?: RequestTally;
}

export function createApp(resolveCtx: CtxResolver, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('ctx', await resolveCtx(c.env));
    await next();
    if (!isStaffPath(c.req.path)) {
      options.tally?.add(c.req.method, c.req.routePath, c.res.status);
      return;
    }
    options.log?.(
      `${c.req.method} ${c.req.routePath} ${c.res.status} ${Math.round(performance.now() - started)}ms`,
    );
  });
  app.use('*', securityHeaders());
  app.route('/', unitRoutes);
  app.route('/', powRoutes);
  app.route('/', reportRoutes);
  app.route('/', receiptRoutes);
  app.route('/', uploadRoutes);
  app.route('/', authRoutes);
  app.route('/', supervisorRoutes);
  app.route('/', caseRoutes);
  app.route('/', grantRoutes);
  app.route('/', retaliationRoutes);
  app.route('/', statsRoutes);
  app.route('/', auditRoutes);
  app.route('/', retentionRoutes);
  app.route('/', notifyRoutes);
  app.route('/', openApiRoutes);
  if (options.staticFiles) app.use('*', options.staticFiles);
  app.onError(handleError);
  app.notFound(notFoundRoute);
  return app;
}
