// `portal grant prepare` (offline: re-wrap an export's session keys for a new key, with a key file
// or GnuPG) and `portal grant apply` (on the server: check and store it, audited as the operator).
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { supervisors } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import type { Ctx } from '../context';
import { fromBase64Url, unlockPrivateKey } from '../crypto';
import { grantCase } from '../grants/service';
import { GRANT_FORMAT, type KeySource, prepareGrant } from './grant-prepare';
import {
  CliFailure,
  type Command,
  DB_HELP,
  DB_OPTION,
  optionalString,
  print,
  requireString,
  withCtx,
} from './io';

const readText = (io: { cwd: string }, file: string, what: string) =>
  readFile(resolve(io.cwd, file), 'utf8').catch((err: Error) => {
    throw new CliFailure(`cannot read ${what}: ${err.message}`);
  });

const prepare: Command = {
  usage: 'grant prepare DIR --to PUBLIC.asc (--key PRIVATE.asc | --gpg) --out GRANT.json',
  summary: 'offline: re-wrap the session keys of an exported case (or unit) for another key',
  details: [
    'DIR                     a folder from `case export ID` or `case export --unit ID`',
    '--to FILE               the new key’s public key (it must be approved in the portal)',
    '--key FILE              your armored private key; passphrase from --passphrase-file or',
    '                        PORTAL_KEY_PASSPHRASE (a combined recovery key has none)',
    '--gpg [--gpg-homedir D] let GnuPG decrypt: `gpg --show-session-key` gives each session key',
    '--out FILE              the grant file to carry to the server for `grant apply`',
    'Only session keys are decrypted; no message is read, and nothing leaves this machine.',
  ],
  options: {
    to: { type: 'string' },
    key: { type: 'string' },
    'passphrase-file': { type: 'string' },
    gpg: { type: 'boolean' },
    'gpg-homedir': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: ['DIR'],
  async run({ values, positionals }, io) {
    const grantee = await readText(io, requireString(values, 'to'), 'the new key');
    const keyFile = optionalString(values, 'key');
    if (!keyFile === !values.gpg) throw new CliFailure('give exactly one of --key FILE and --gpg');
    let source: KeySource;
    if (keyFile) {
      const armored = await readText(io, keyFile, 'the key file');
      const pass = optionalString(values, 'passphrase-file');
      const secret = pass
        ? (await readText(io, pass, 'the passphrase file')).replace(/\r?\n$/, '')
        : io.env.PORTAL_KEY_PASSPHRASE;
      source = { kind: 'key', key: await unlockPrivateKey(armored, secret ?? '') };
    } else {
      const home = optionalString(values, 'gpg-homedir');
      source = { kind: 'gpg', homedir: home ? resolve(io.cwd, home) : undefined };
    }
    const grant = await prepareGrant(resolve(io.cwd, positionals[0] ?? '.'), source, grantee);
    const out = resolve(io.cwd, requireString(values, 'out'));
    await writeFile(out, `${JSON.stringify(grant, null, 2)}\n`, { mode: 0o600 });
    const n = grant.cases.reduce((sum, c) => sum + c.items.length, 0);
    print(
      io.stdout,
      `prepared ${n} session keys in ${grant.cases.length} case(s) for ${grant.grantee}: ${out}`,
    );
    return 0;
  },
};

const fingerprint = z.string().regex(/^[0-9A-F]{40}([0-9A-F]{24})?$/);
const grantFile = z.strictObject({
  format: z.literal(GRANT_FORMAT),
  granter: fingerprint,
  grantee: fingerprint,
  cases: z.array(
    z.strictObject({
      caseId: z.string().max(40),
      items: z.array(
        z.strictObject({
          kind: z.enum(['message', 'attachment']),
          id: z.string().max(40),
          packet: z.string().max(2800),
        }),
      ),
    }),
  ),
});

async function keyByFingerprint(ctx: Ctx, fpr: string, what: string) {
  const [row] = await ctx.db
    .select()
    .from(supervisors)
    .where(eq(supervisors.fingerprint, fpr))
    .limit(1);
  if (!row) throw new CliFailure(`no enrolled key with fingerprint ${fpr} (${what})`);
  return row;
}

const apply: Command = {
  usage: 'grant apply GRANT.json',
  summary: 'check and store a prepared grant (audited as the operator, naming the granting key)',
  details: [
    'The server checks each case as for a grant from the browser: the granting key could read',
    'every item, the new key may read the case, and only a session-key packet was added.',
    DB_HELP,
  ],
  options: { ...DB_OPTION },
  positionals: ['GRANT.json'],
  async run({ values, positionals }, io) {
    const text = await readText(io, positionals[0] ?? '', 'the grant file');
    const parsed = grantFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new CliFailure('not a grant file from `grant prepare`');
    const grant = parsed.data;
    return withCtx(io, optionalString(values, 'db'), async (ctx) => {
      const granter = {
        actorId: OPERATOR_ACTOR_ID,
        key: await keyByFingerprint(ctx, grant.granter, 'granter'),
      };
      const grantee = await keyByFingerprint(ctx, grant.grantee, 'grantee');
      for (const c of grant.cases) {
        const items = c.items.map((i) => ({
          kind: i.kind,
          id: i.id,
          packet: fromBase64Url(i.packet),
        }));
        const done = await grantCase(ctx, granter, c.caseId, grantee.id, items);
        print(
          io.stdout,
          `case ${c.caseId}: ${done.granted} item(s) granted to ${grantee.pseudonym}`,
        );
      }
      return 0;
    });
  },
};

export const grantCommands: Record<string, Command> = { prepare, apply };
