// `portal recovery …`: make a unit's recovery key offline and split it M of N (shamir-secret-
// sharing, an audited library), combine M shares back into the key, and register its public part.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as openpgp from 'openpgp';
import { combine, split } from 'shamir-secret-sharing';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../crypto';
import { recoveryBacklog } from '../grants/recovery';
import { setRecoveryKey } from '../units/recovery';
import {
  CliFailure,
  type Command,
  DB_HELP,
  DB_OPTION,
  optionalString,
  print,
  requireString,
  UsageError,
  withCtx,
} from './io';

const SHARE_HEADER = 'whistle-portal recovery share v1';

/** One share as text a person can print and keep: what it is, whose, how many, then the data. */
function shareText(fpr: string, index: number, n: number, m: number, share: Uint8Array) {
  const data = toBase64Url(share).match(/.{1,64}/g) ?? [];
  return [
    SHARE_HEADER,
    `key: ${fpr}`,
    `share: ${index} of ${n}; any ${m} open the key`,
    '',
    ...data,
    '',
  ].join('\n');
}

function parseShare(text: string): { fpr: string; share: Uint8Array } {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const fpr = /^key: ([0-9A-F]{40,64})$/.exec(lines[1] ?? '')?.[1];
  if (lines[0] !== SHARE_HEADER || !fpr) throw new CliFailure('not a recovery share file');
  const data = lines.slice(3).join('');
  return { fpr, share: fromBase64Url(data) };
}

const count = (v: string | undefined, name: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new UsageError(`--${name} must be 1 to 255`);
  return n;
};

const create: Command = {
  usage: 'recovery create --shares N --threshold M --out DIR [--name NAME]',
  summary:
    'offline: make a recovery key and split its private part into N shares, any M of which open it',
  details: [
    '--shares N     how many people hold a share (2 to 255); --threshold M of them open the key',
    '--out DIR      a new or empty folder: recovery.public.asc and share-I-of-N.txt files',
    'Run on an offline machine; give each share to its holder and delete it here (docs/recovery.md).',
  ],
  options: {
    shares: { type: 'string' },
    threshold: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
  },
  async run({ values }, io) {
    const n = count(optionalString(values, 'shares'), 'shares');
    const m = count(optionalString(values, 'threshold'), 'threshold');
    if (n < 2 || m < 2 || m > n) throw new UsageError('need 2 <= --threshold <= --shares');
    const out = resolve(io.cwd, requireString(values, 'out'));
    await mkdir(out, { recursive: true, mode: 0o700 });
    if ((await readdir(out)).length > 0) throw new CliFailure(`output folder is not empty: ${out}`);
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: optionalString(values, 'name') ?? 'Unit recovery key' }],
      format: 'object',
    });
    const fpr = publicKey.getFingerprint().toUpperCase();
    const shares = await split(utf8(privateKey.armor()), n, m);
    await writeFile(join(out, 'recovery.public.asc'), publicKey.armor(), { mode: 0o600 });
    for (const [i, share] of shares.entries())
      await writeFile(join(out, `share-${i + 1}-of-${n}.txt`), shareText(fpr, i + 1, n, m, share), {
        mode: 0o600,
      });
    print(io.stdout, `recovery key ${fpr}: ${n} shares, any ${m} open it, in ${out}`);
    return 0;
  },
};

const combineCmd: Command = {
  usage: 'recovery combine DIR --out PRIVATE.asc',
  summary: 'offline: join the share files in DIR (at least M of them) back into the private key',
  details: [
    'DIR   a folder with the holders’ share-*.txt files',
    '--out FILE  where the private key goes (keep it offline)',
  ],
  options: { out: { type: 'string' } },
  positionals: ['DIR'],
  async run({ values, positionals }, io) {
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
    const shares = await Promise.all(
      files.map(async (f) => parseShare(await readFile(join(dir, f), 'utf8'))),
    );
    const fprs = new Set(shares.map((s) => s.fpr));
    if (fprs.size !== 1)
      throw new CliFailure('the shares belong to different keys (or there are none)');
    let key: openpgp.PrivateKey;
    try {
      const secret = await combine(shares.map((s) => s.share));
      key = await openpgp.readPrivateKey({ armoredKey: fromUtf8(secret) });
    } catch {
      throw new CliFailure(
        `${shares.length} share(s) do not open the key: more holders are needed`,
      );
    }
    if (key.getFingerprint().toUpperCase() !== [...fprs][0])
      throw new CliFailure('the shares did not give the expected key');
    const out = resolve(io.cwd, requireString(values, 'out'));
    await writeFile(out, key.armor(), { mode: 0o600 });
    print(io.stdout, `recovery key ${[...fprs][0]} restored from ${shares.length} shares: ${out}`);
    return 0;
  },
};

const set: Command = {
  usage: 'recovery set UNIT --key PUBLIC.asc',
  summary: 'register a unit’s recovery key: every new message of the unit is encrypted to it too',
  details: [
    'Replaces (revokes) the unit’s previous recovery key. It then counts the unit’s cases the key',
    'cannot read yet and prints how to grant them (`grant prepare`/`grant apply`, or a',
    'supervisor’s Access tab, which offers it).',
    DB_HELP,
  ],
  options: { key: { type: 'string' }, ...DB_OPTION },
  positionals: ['UNIT'],
  async run({ values, positionals }, io) {
    const keyFile = requireString(values, 'key');
    const key = await readFile(resolve(io.cwd, keyFile), 'utf8');
    const { done, backlog } = await withCtx(io, optionalString(values, 'db'), async (ctx) => {
      const done = await setRecoveryKey(ctx, OPERATOR_ACTOR_ID, positionals[0] ?? '', key);
      return { done, backlog: (await recoveryBacklog(ctx, done.unitId))?.cases.length ?? 0 };
    });
    print(io.stdout, `unit ${done.unitId}: recovery key ${done.fingerprint} (id ${done.id})`);
    if (backlog > 0)
      print(
        io.stdout,
        [
          `${backlog} existing case(s) of the unit cannot be read by it yet. Grant them to it:`,
          `  portal case export-unit ${done.unitId} --out EXPORT`,
          `  portal grant prepare EXPORT --to ${keyFile} --key YOUR-KEY.asc --out grant.json   (offline)`,
          '  portal grant apply grant.json   (a case per line; run again to resume: done items are skipped)',
          'or, from a supervisor’s Access tab, "Grant them to the recovery key".',
        ].join('\n'),
      );
    return 0;
  },
};

export const recoveryCommands: Record<string, Command> = { create, combine: combineCmd, set };
