// Before migration 0012 a follow-up was shown at once and its files followed it one request at a
// time, so a stopped upload left a message with fewer files than it names. Such a row, inserted as
// an old database holds it, still gets the "k of n files arrived" mark on the supervisor's and the
// reporter's pages; a message sent with files today is shown only whole, so never gets it.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { attachments, messages } from '../../db/schema';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { filesMissing } from '../../public/src/lib/files-missing';
import { openCase, readMessages, sendMessage } from '../../src/client/reporter';
import { decryptCase, downloadAttachment, fetchCase, signIn } from '../../src/client/supervisor';
import { sealFile, sealJson } from '../../src/crypto';
import { toDay } from '../../src/lib/days';
import { newId } from '../../src/lib/ids';
import { demoKey, reportTo, useHarness, withCookies } from '../helpers/harness';

const h = useHarness();

describe('the "k of n files arrived" mark', () => {
  it('still shows on a message stored before 0012 with a file missing, and not on one sent today', async () => {
    const { receipt, messageId: first } = await reportTo(h, 'basic', 'A report on an old portal.');
    const [row] = await h.ctx.db
      .select({ caseId: messages.reportId })
      .from(messages)
      .where(eq(messages.id, first));
    const caseId = row!.caseId;
    const session = await openCase(h.fetcher, receipt);
    const seal = { recipients: session.view.recipients.messages, signingKey: session.key };
    const minutes = new TextEncoder().encode('Minutes of the meeting of 2 October.');
    const named = [
      { name: 'minutes.txt', size: minutes.length },
      { name: 'recording.mp3', size: 4_000_000 },
    ];
    const ciphertext = await sealJson(
      { v: 1, type: 'message', text: 'Two files follow.', files: named },
      seal,
    );
    const file = await sealFile(minutes, { name: 'minutes.txt', type: 'text/plain' }, seal);
    // As the old whole-file route left it: the message shown at once, its first file whole in one
    // OpenPGP message, the second never sent.
    const oldId = newId();
    const fileId = newId();
    const day = toDay(h.ctx.now());
    await h.ctx.db
      .insert(messages)
      .values({ id: oldId, reportId: caseId, position: 1, kind: 'message', ciphertext, day });
    await h.ctx.blobs.put(fileId, file);
    await h.ctx.db.insert(attachments).values({
      id: fileId,
      reportId: caseId,
      messageId: oldId,
      position: 0,
      size: file.length,
      day,
    });
    // Today: a message with two files reaches anyone only once both are in.
    const today = await sendMessage(session, 'Two files, today.', [
      { name: 'a.txt', type: 'text/plain', bytes: minutes },
      { name: 'b.txt', type: 'text/plain', bytes: minutes },
    ]);

    const supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const c = await fetchCase(supervisor, caseId);
    const opened = await decryptCase(supervisor, c);
    const old = opened.find((m) => m.id === oldId)!;
    expect(old.verified).toBe(true);
    expect(filesMissing(old.content, old.attachments.length)).toEqual({ arrived: 1, announced: 2 });
    const whole = opened.find((m) => m.id === today.messageId)!;
    expect(whole.attachments).toHaveLength(2);
    expect(filesMissing(whole.content, whole.attachments.length)).toBeNull();
    // The file that did arrive still opens.
    const got = await downloadAttachment(supervisor, c, 'message', fileId);
    expect(new TextDecoder().decode(got.bytes)).toBe('Minutes of the meeting of 2 October.');

    const mine = await readMessages(await openCase(h.fetcher, receipt));
    const own = mine.find((m) => m.id === oldId)!;
    expect(filesMissing(own.content, own.attachments.length)).toEqual({ arrived: 1, announced: 2 });
    const sent = mine.find((m) => m.id === today.messageId)!;
    expect(filesMissing(sent.content, sent.attachments.length)).toBeNull();

    // The words the pages show, in both languages.
    for (const key of ['sup.msg.filesMissing', 'msg.filesMissing'] as const)
      for (const catalogue of [en, zh]) {
        expect(catalogue[key]).toContain('{arrived}');
        expect(catalogue[key]).toContain('{announced}');
      }
  }, 120_000);
});
