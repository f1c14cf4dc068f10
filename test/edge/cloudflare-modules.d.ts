// The two workerd modules the edge harness uses, typed narrowly so the Node type check needs no
// global Workers types.
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}

declare module 'cloudflare:test' {
  export function applyD1Migrations(
    db: unknown,
    migrations: { name: string; queries: string[] }[],
    migrationsTableName?: string,
  ): Promise<void>;
  export function createScheduledController(options?: {
    scheduledTime?: Date | number;
    cron?: string;
  }): unknown;
  export function createExecutionContext(): { waitUntil(p: Promise<unknown>): void };
  export function waitOnExecutionContext(ctx: unknown): Promise<void>;
}
