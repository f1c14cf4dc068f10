// The reporter's whole journey through the same client and crypto code the browser runs.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import {
  downloadAttachment,
  flagRetaliation,
  openCase,
  readMessages,
  sendMessage,
  submitReport,
} from '../../src/client/reporter';
import { openFile, openJson, unlockPrivateKey } from '../../src/crypto';
import { demoUnit, sampleReport, useHarness } from '../helpers/harness';

const h = useHarness();

describe('reporter journey', () => {
  it('submits, comes back with the receipt, reads, writes and flags retaliation', async () => {
    const units = await h.units();
    const basic = demoUnit(units, 'basic');
    const file = {
      name: 'minutes.pdf',
      type: 'application/pdf',
      bytes: new TextEncoder().encode('%PDF-1.7 minutes of the meeting'),
    };
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: basic.id,
      copyToParent: false,
      report: sampleReport('The vice-president asked me to delay case 2026-17.'),
      files: [file],
    });

    let session = await openCase(h.fetcher, receipt);
    expect(session.view.state).toBe('received');
    expect(session.view.history).toEqual([
      { state: 'received', outcome: null, day: session.view.receivedDay },
    ]);
    expect(session.view.unit?.id).toBe(basic.id);
    const [report] = await readMessages(session);
    expect(report?.verified).toBe(true);
    expect(report?.content).toMatchObject({
      type: 'report',
      whatHappened: 'The vice-president asked me to delay case 2026-17.',
    });
    expect(report?.attachments).toHaveLength(1);
    const downloaded = await downloadAttachment(session, report!.attachments[0]!.id);
    expect(downloaded.meta.name).toBe('minutes.pdf');
    expect(new TextDecoder().decode(downloaded.bytes)).toBe('%PDF-1.7 minutes of the meeting');

    await sendMessage(session, 'One more detail: the call came on Tuesday.');
    await flagRetaliation(session, {
      kind: 'transfer',
      startedOn: '2026-11-01',
      details: 'I was moved to the archive.',
    });
    session = await openCase(h.fetcher, receipt);
    const opened = await readMessages(session);
    expect(opened.map((m) => m.kind)).toEqual(['report', 'message', 'retaliation']);
    expect(opened.every((m) => m.verified)).toBe(true);
    expect(session.view.retaliationFlagged).toBe(true);
    expect(session.view.retaliation).toHaveLength(1);
  });

  it('stores a report that the demo supervisor of the addressed unit can decrypt', async () => {
    const units = await h.units();
    const basic = demoUnit(units, 'basic');
    const file = {
      name: 'photo.jpg',
      type: 'image/jpeg',
      bytes: crypto.getRandomValues(new Uint8Array(50_000)),
    };
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: basic.id,
      copyToParent: false,
      report: sampleReport('Envelope of cash offered in the corridor.'),
      files: [file],
    });
    const session = await openCase(h.fetcher, receipt);
    const stored = session.view.messages[0]!;

    const demo = h.demoKeys.find((k) => k.name === 'basic-supervisor')!;
    const supervisorKey = await unlockPrivateKey(demo.privateKey, h.passphrase);
    const opened = await openJson<{ whatHappened: string }>(stored.ciphertext, {
      decryptionKeys: [supervisorKey],
      verificationKeys: [session.view.reporterPublicKey],
    });
    expect(opened.value.whatHappened).toBe('Envelope of cash offered in the corridor.');
    const blob = await h.ctx.blobs.get(stored.attachments[0]!.id);
    const openedFile = await openFile(blob!, { decryptionKeys: [supervisorKey] });
    expect(openedFile.value.bytes).toEqual(file.bytes);

    // A supervisor of another unit (not copied) cannot read it.
    const other = h.demoKeys.find((k) => k.name === 'provincial-supervisor')!;
    const otherKey = await unlockPrivateKey(other.privateKey, h.passphrase);
    await expect(openJson(stored.ciphertext, { decryptionKeys: [otherKey] })).rejects.toThrow();
  });

  it('copies the unit above when asked, and retaliation always reaches the unit above', async () => {
    const units = await h.units();
    const basic = demoUnit(units, 'basic');
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: basic.id,
      copyToParent: true,
      report: sampleReport('Copied upward.'),
      files: [],
    });
    const session = await openCase(h.fetcher, receipt);
    expect(session.view.copiedUnit?.id).toBe(basic.parentId);
    const upper = h.demoKeys.find((k) => k.name === 'intermediate-supervisor')!;
    const upperKey = await unlockPrivateKey(upper.privateKey, h.passphrase);
    const opened = await openJson<{ whatHappened: string }>(session.view.messages[0]!.ciphertext, {
      decryptionKeys: [upperKey],
    });
    expect(opened.value.whatHappened).toBe('Copied upward.');
  });

  it('flags retaliation on a report to a unit whose parent then can read the flag', async () => {
    const units = await h.units();
    const intermediate = demoUnit(units, 'intermediate');
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: intermediate.id,
      copyToParent: false,
      report: sampleReport('Direct report to intermediate.'),
      files: [],
    });
    const session = await openCase(h.fetcher, receipt);
    await flagRetaliation(session, {
      kind: 'threats',
      startedOn: '2026-11-10',
      details: 'Threatening calls.',
    });
    const again = await openCase(h.fetcher, receipt);
    const flag = again.view.messages.find((m) => m.kind === 'retaliation')!;
    const top = h.demoKeys.find((k) => k.name === 'provincial-supervisor')!;
    const topKey = await unlockPrivateKey(top.privateKey, h.passphrase);
    const opened = await openJson<{ details: string }>(flag.ciphertext, {
      decryptionKeys: [topKey],
    });
    expect(opened.value.details).toBe('Threatening calls.');
    // The report itself was not copied upward.
    await expect(
      openJson(again.view.messages[0]!.ciphertext, { decryptionKeys: [topKey] }),
    ).rejects.toThrow();
  });
});
