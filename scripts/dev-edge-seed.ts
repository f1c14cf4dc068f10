// Seeds the local D1 database of `npm run dev:edge` (run by scripts/dev-edge.mjs after the
// migrations): the DEMO units on an empty database, their private keys written to ./data/demo-edge.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { loadConfig } from '../src/config';
import { contextOf } from '../src/context';
import { DEMO_PASSPHRASE, type DemoKey, demoKeysReadme, isEmpty, seedDemo } from '../src/demo/seed';
import { type D1Binding, openD1 } from '../src/storage/d1';
import { R2BlobStore, type R2BucketLike } from '../src/storage/r2-blobs';

const root = resolve(new URL('..', import.meta.url).pathname);
const keysDir = join(root, 'data', 'demo-edge');

async function writeKeys(keys: DemoKey[]) {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  for (const key of keys) {
    await writeFile(join(keysDir, `${key.name}.private.asc`), key.privateKey, { mode: 0o600 });
    await writeFile(join(keysDir, `${key.name}.public.asc`), key.publicKey);
  }
  const readme = demoKeysReadme(
    keys,
    'DEMO KEYS of the local workerd portal: for trying it only. Never use them for real reports.',
  );
  await writeFile(join(keysDir, 'README.txt'), readme);
}

/** Seeds through the same local D1 and R2 state that `wrangler dev` then serves. */
async function seedLocal() {
  const proxy = await getPlatformProxy<{ DB: D1Binding; BLOBS: R2BucketLike }>({
    configPath: join(root, 'wrangler.toml'),
    persist: true,
  });
  try {
    const ctx = contextOf(openD1(proxy.env.DB), {
      blobs: new R2BlobStore(proxy.env.BLOBS),
      config: loadConfig({ PORTAL_ENV: 'development' }),
      now: () => new Date(),
    });
    if (!(await isEmpty(ctx))) {
      console.log(`Local D1 database already has units; demo keys (if any) are in ${keysDir}.`);
      return;
    }
    await writeKeys(await seedDemo(ctx));
    console.log(
      `Created the DEMO unit hierarchy. Demo private keys are in ${keysDir} (passphrase: ${DEMO_PASSPHRASE}).`,
    );
  } finally {
    await proxy.dispose();
  }
}

await seedLocal();
