// Reports whose files are SEIPDv2 (RFC 9580 AEAD) with v6 session-key packets: a unit whose only
// supervisor key is a v6 key preferring AEAD, and a report prepared as the page does but with a
// reporter key that prefers AEAD too (the portal's own reporter keys, made so that GnuPG 2.2
// recipients can read, do not). Runtime-neutral (Node, workerd).
import * as openpgp from 'openpgp';
import type { Fetcher } from '../../src/client/api';
import {
  type FileSource,
  type PreparedReport,
  reportRecipients,
  sealChunkOf,
} from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import { deriveReceiptSecrets, FileKeys, sealJson, startOfDay } from '../../src/crypto';
import type { DemoKey } from '../../src/demo/seed';
import { approvedKey, decideAsAdmin, sampleReport, signedIn } from './scenario';

type H = { fetcher: Fetcher; demoKeys: DemoKey[]; passphrase: string };

/**
 * Makes `unitId`'s only supervisor key an RFC 9580 v6 key that prefers AEAD: the demo's GnuPG 2.2
 * key is revoked, since one recipient without SEIPDv2 makes every message SEIPDv1.
 */
export async function aeadOnlyUnit(h: H, unitId: string, oldKey = 'basic-supervisor') {
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'RFC 9580 supervisor' }],
    config: { v6Keys: true, aeadProtect: true },
    format: 'object',
  });
  const enrolled = await approvedKey(h, unitId, 'RFC 9580 supervisor', privateKey);
  const old = await signedIn(h, oldKey);
  await decideAsAdmin(h, old.supervisor.id, 'revoke');
  return { privateKey, id: enrolled.id, session: await signedIn(h, privateKey) };
}

/** A report with `file` to `unitId`, prepared with a reporter key that prefers AEAD. */
export async function prepareAead(
  h: { units: () => Promise<UnitView[]> },
  unitId: string,
  file: FileSource,
  receipt: string,
  text = 'The hearing, recorded.',
): Promise<PreparedReport> {
  const units = await h.units();
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(receipt);
  const { privateKey: key } = await openpgp.generateKey({
    userIDs: [{ name: 'Anonymous reporter' }],
    date: startOfDay(),
    config: { aeadProtect: true },
    format: 'object',
  });
  const locked = await openpgp.encryptKey({ privateKey: key, passphrase: keyPassphrase });
  const publicKey = key.toPublic().armor();
  const recipients = [...reportRecipients(units, unitId, false), publicKey];
  const content = {
    v: 1 as const,
    type: 'report' as const,
    ...sampleReport(text),
    files: [{ name: file.name, size: file.size }],
  };
  const keys = new FileKeys();
  return {
    draft: {
      receipt,
      lookupToken,
      publicKey,
      lockedKey: locked.armor(),
      unitId,
      copyToParent: false,
      exclude: [],
      report: await sealJson(content, { recipients, signingKey: key }),
      fileSizes: [file.size],
    },
    sealChunk: (_, chunk) => sealChunkOf(keys, file, chunk, recipients, key),
  };
}
