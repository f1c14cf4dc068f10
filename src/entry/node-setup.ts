// First-start setup for the Node entry: demo units and keys written to ./data/demo in
// development; in production, a refusal and directions to create the first administrator.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ctx } from '../context';
import { DEMO_PASSPHRASE, demoKeysReadme, hasDemoUnits, isEmpty, seedDemo } from '../demo/seed';

export class StartupRefused extends Error {}

const FIRST_ADMIN_HELP = `No units exist yet. Create the first administrator from their OpenPGP public key:
  npm run portal -- unit create --name "Supervision Office" --name-zh "督察室" --level provincial
  npm run portal -- admin create --unit <unit-id> --name "Alice" --key alice.pub.asc
Then sign in at /supervisor with that key.`;

export async function firstStart(
  ctx: Ctx,
  dataDir: string,
  log: (line: string) => void,
): Promise<void> {
  if (ctx.config.production) {
    if (await hasDemoUnits(ctx)) {
      throw new StartupRefused(
        'This database holds DEMO units and keys, which are refused in production. Start from an empty database.',
      );
    }
    if (await isEmpty(ctx)) log(FIRST_ADMIN_HELP);
    return;
  }
  if (!(await isEmpty(ctx))) return;
  const keys = await seedDemo(ctx);
  const dir = join(dataDir, 'demo');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const key of keys) {
    await writeFile(join(dir, `${key.name}.private.asc`), key.privateKey, {
      mode: 0o600,
    });
    await writeFile(join(dir, `${key.name}.public.asc`), key.publicKey);
  }
  const readme = demoKeysReadme(
    keys,
    'DEMO KEYS: for trying the portal only. Never use them for real reports.',
  );
  await writeFile(join(dir, 'README.txt'), readme);
  log(
    `Created the DEMO unit hierarchy. Demo supervisor private keys are in ${dir} (passphrase: ${DEMO_PASSPHRASE}).`,
  );
}
