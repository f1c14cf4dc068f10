// Checks a running `npm run dev:edge` end to end: submits a report with an attachment through the
// shared reporter client, reads it back with its receipt, and decrypts it with the demo key from
// ./data/demo-edge. Usage: npx tsx scripts/dev-edge-check.ts [http://127.0.0.1:8787]
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Fetcher } from '../src/client/api';
import { openCase, readMessages, submitReport } from '../src/client/reporter';
import type { UnitView } from '../src/client/types';
import { openFile, openJson, unlockPrivateKey } from '../src/crypto';
import { DEMO_PASSPHRASE } from '../src/demo/seed';

const base = process.argv[2] ?? 'http://127.0.0.1:8787';
const keysDir = join(resolve(new URL('..', import.meta.url).pathname), 'data', 'demo-edge');
const fetcher: Fetcher = (path, init) => fetch(new URL(path, base), init);

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

const { units } = (await (await fetcher('/api/units')).json()) as { units: UnitView[] };
const basic = units.find((u) => u.level === 'basic' && u.isDemo);
check(Boolean(basic), `${units.length} units served, the demo basic unit among them`);
const page = await fetcher('/report');
check(
  page.ok && (await page.text()).includes('<html') && page.headers.has('content-security-policy'),
  '/report is served with a CSP',
);

const words = `Edge check ${new Date().toISOString()}: the file was moved to another judge.`;
const fileBytes = new TextEncoder().encode('%PDF-1.7 edge check');
const { receipt } = await submitReport(fetcher, {
  units,
  unitId: basic!.id,
  copyToParent: false,
  report: {
    category: 'interference',
    whatHappened: words,
    when: '2026-10-02',
    where: 'Registry',
    who: 'A division head',
    howKnown: 'I saw the transfer order',
  },
  files: [{ name: 'order.pdf', type: 'application/pdf', bytes: fileBytes }],
});
check(receipt.length > 20, 'report submitted, receipt issued');

const session = await openCase(fetcher, receipt);
const [mine] = await readMessages(session);
check(
  (mine?.content as { whatHappened?: string } | undefined)?.whatHappened === words,
  'read back with the receipt',
);

const armored = await readFile(join(keysDir, 'basic-supervisor.private.asc'), 'utf8');
const key = await unlockPrivateKey(armored, DEMO_PASSPHRASE);
const stored = session.view.messages[0]!;
const opened = await openJson<{ whatHappened: string }>(stored.ciphertext, {
  decryptionKeys: [key],
  verificationKeys: [session.view.reporterPublicKey],
});
check(opened.value.whatHappened === words, 'decrypted with the demo supervisor key');
const blob = await callBlob(stored.attachments[0]!.id);
const file = await openFile(blob, { decryptionKeys: [key] });
check(
  new TextDecoder().decode(file.value.bytes) === '%PDF-1.7 edge check',
  'attachment decrypted with the demo supervisor key',
);

async function callBlob(id: string): Promise<Uint8Array> {
  const res = await fetcher(`/api/receipt/attachments/${id}`, {
    headers: { 'x-lookup-token': session.lookupToken },
  });
  if (!res.ok) throw new Error(`attachment download: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
