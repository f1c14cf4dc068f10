// Applies db/migrations to a remote libSQL/Turso database for the Workers entry's `libsql` driver,
// with the same migrator the Node entry runs at start. Usage (the token stays in the environment):
//   DATABASE_URL=libsql://<db>.turso.io DATABASE_AUTH_TOKEN=... npx tsx scripts/edge-migrate-turso.ts
import { openLibsql } from '../src/storage/libsql';

const url = process.env.DATABASE_URL;
if (!url || !/^(libsql|https?):\/\//.test(url)) {
  console.error('Set DATABASE_URL to the libsql:// (or https://) URL of the database.');
  process.exit(2);
}
const { close } = await openLibsql(url, process.env.DATABASE_AUTH_TOKEN);
close();
console.log('Migrations applied.');
