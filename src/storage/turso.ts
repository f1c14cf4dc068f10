// Opens a remote libSQL (Turso) database over HTTP for the Workers entry: `@libsql/client/web`
// has no native or `node:` parts, so it runs in workerd. Migrations are applied beforehand.
import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import * as schema from '../../db/schema';
import type { Db } from './db';

export function openTurso(url: string, authToken: string | undefined): Db {
  const client = createClient({ url, ...(authToken ? { authToken } : {}) });
  return drizzle(client, { schema });
}
