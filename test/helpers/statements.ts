// Records the SQL a request runs on the Node harness's database, through the client and through
// the direct read, so tests can compare the work two paths do instead of timing them.
import type { Client } from '@libsql/client';
import type { Ctx } from '../../src/context';

export function recordStatements(ctx: Ctx): { log: string[]; stop: () => void } {
  const log: string[] = [];
  const client = (ctx.db as Ctx['db'] & { $client: Client }).$client;
  const { execute, batch } = client;
  const text = (s: unknown) => (typeof s === 'string' ? s : (s as { sql: string }).sql);
  client.execute = ((stmt: unknown, ...rest: unknown[]) => {
    log.push(text(stmt));
    return (execute as (...a: unknown[]) => unknown).call(client, stmt, ...rest);
  }) as Client['execute'];
  client.batch = ((stmts: unknown[], ...rest: unknown[]) => {
    for (const s of stmts) log.push(text(s));
    return (batch as (...a: unknown[]) => unknown).call(client, stmts, ...rest);
  }) as Client['batch'];
  const read = ctx.storage.directRead;
  if (read)
    ctx.storage.directRead = (sql, args) => {
      log.push(sql);
      return read(sql, args);
    };
  return {
    log,
    stop: () => {
      client.execute = execute;
      client.batch = batch;
      if (read) ctx.storage.directRead = read;
    },
  };
}
