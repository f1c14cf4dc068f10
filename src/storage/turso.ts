// Opens a remote libSQL (Turso) database over HTTP for the Workers entry: `@libsql/client/web`
// has no native or `node:` parts, so it runs in workerd. Migrations are applied beforehand.
import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import * as schema from '../../db/schema';
import { plainStorage, type Storage } from './db';

export function openTurso(url: string, authToken: string | undefined): Storage {
  const client = createClient({ url, ...(authToken ? { authToken } : {}) });
  return plainStorage(drizzle(client, { schema }), () => client.close());
}
