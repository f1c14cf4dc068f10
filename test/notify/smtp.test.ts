// Content-free notices over real SMTP: a server started here (smtp-server) receives what the
// portal sends through nodemailer, and mailparser reads it as a mailbox would. No subject, body or
// header may carry a unit, a case id, a category or a count; the details come encrypted.
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { type ParsedMail, simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupervisorSession, signIn } from '../../src/client/supervisor';
import { fromUtf8, unpad } from '../../src/crypto';
import { JOBS } from '../../src/jobs/list';
import { runJobs } from '../../src/jobs/scheduler';
import type { Mailer } from '../../src/notify/mailer';
import { smtpMailer } from '../../src/notify/smtp';
import { demoKey, type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';

const DAY = 86_400_000;
const received: ParsedMail[] = [];
let refuse = false;
let server: SMTPServer;
let port: number;
let h: Harness;
let basic: SupervisorSession;
let mailer: Mailer;
const logs: string[] = [];

const run = (m: Mailer | undefined = mailer) =>
  runJobs({ ctx: h.ctx, mailer: m, log: (l) => logs.push(l) }, JOBS);
const hourIn = (ms: number) => new Date(h.ctx.now().getTime() + ms).getUTCHours();

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refuse)
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
  h = await makeHarness();
  mailer = smtpMailer({ host: '127.0.0.1', port, tls: 'none' }, 'notices@portal.example');
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Days pass in these tests, so each change signs in afresh (sessions expire). */
const post = async (path: string, body: unknown) => {
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  return basic.fetcher(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': basic.csrfToken },
    body: JSON.stringify(body),
  });
};

/** Everything a mailbox shows of a message but its body, as one text. */
const headerText = (m: ParsedMail) => m.headerLines.map((l) => l.line).join('\n');

describe('notices by e-mail', () => {
  let link: string;

  it('refuses an address that is not one', async () => {
    const res = await post('/api/notify', { email: 'not an address' });
    expect(res.status).toBe(400);
  });

  it('sends a verification link; its GET only shows a button, its POST confirms', async () => {
    const res = await post('/api/notify', {
      email: 'li@court.example',
      digestHour: hourIn(DAY),
      encryptDetails: true,
    });
    expect(res.status).toBe(201);
    expect(received).toHaveLength(0); // never on the request path
    await run();
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    link = /http:\/\/localhost\/api\/notify\/verify\?token=[A-Za-z0-9_-]{43}/.exec(
      mail.text ?? '',
    )![0];
    const page = await h.fetcher(link.replace('http://localhost', ''));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post"/);
    const settings = async () =>
      (await (await basic.fetcher('/api/notify')).json()) as { verified: boolean };
    expect((await settings()).verified).toBe(false);
    const token = new URL(link).searchParams.get('token')!;
    const confirm = await h.fetcher('/api/notify/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
    });
    expect(confirm.status).toBe(200);
    expect((await settings()).verified).toBe(true);
    const again = await h.fetcher('/api/notify/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
    });
    expect(again.status).toBe(404);
    expect(await again.text()).toMatch(/not valid/);
  });

  it('sends the daily digest with nothing in clear, the audit head, and details sealed to the supervisor', async () => {
    const secret = 'Judge Zhao took a bribe from the defendant';
    await reportTo(h, 'basic', secret);
    h.advance(DAY);
    received.length = 0;
    await run();
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.subject).toBe('Portal notice');
    const head = (
      await h.ctx.db.all<{ hash: string }>(
        sql`select hash from audit_log order by seq desc limit 1`,
      )
    )[0]!.hash;
    expect(mail.text).toContain(`Audit log head: ${head}`);
    const units = await h.units();
    const ids = (await h.ctx.db.all<{ id: string }>(sql`select id from reports`)).map((r) => r.id);
    const clear = `${headerText(mail)}\n${mail.text?.split('-----BEGIN PGP MESSAGE-----')[0]}`;
    for (const word of [
      ...units.flatMap((u) => [u.name, u.nameZh, u.id]),
      ...ids,
      'DEMO',
      'interference',
      'bribe',
      hostname(),
      'X-Mailer',
    ]) {
      expect(clear.toLowerCase(), word).not.toContain(word.toLowerCase());
    }
    // No count in the clear text (headers say MIME-Version 1.0; the armor may hold any characters).
    expect(mail.text?.split('-----BEGIN PGP MESSAGE-----')[0]).not.toMatch(/\b1\b/);
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(
      mail.text!,
    )![0];
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await demoKey(h, 'basic-supervisor'),
      format: 'binary',
    });
    const details = JSON.parse(fromUtf8(unpad(data as Uint8Array))) as { newItems: number };
    expect(details.newItems).toBe(1);
  });

  it('sends it every day, the same size, whether or not anything happened', async () => {
    const busy = received[0]!;
    h.advance(2 * DAY);
    received.length = 0;
    await run();
    expect(received).toHaveLength(1);
    const quiet = received[0]!;
    expect(quiet.subject).toBe(busy.subject);
    expect(quiet.text!.length).toBe(busy.text!.length);
  });

  it('sends nothing on a quiet day to one who chose "only when there is something"', async () => {
    const res = await post('/api/notify', {
      email: 'li@court.example',
      digestHour: hourIn(DAY),
      onlyWhenActive: true,
    });
    expect(res.status).toBe(201);
    h.advance(61_000); // the sender runs once a minute
    await run();
    const mail = received.at(-1)!;
    const link2 = /http:\/\/localhost\/api\/notify\/verify\?token=([A-Za-z0-9_-]{43})/.exec(
      mail.text ?? '',
    )!;
    await h.fetcher('/api/notify/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${link2[1]}`,
    });
    h.advance(DAY);
    received.length = 0;
    await run();
    expect(received).toHaveLength(0);
  });

  it('keeps a refused notice and retries it later with backoff, never failing the run', async () => {
    refuse = true;
    await post('/api/notify', { email: 'li@court.example', digestHour: 3 });
    logs.length = 0;
    h.advance(61_000);
    const report = await run();
    expect(report.failed).toEqual([]);
    expect(logs.join('\n')).toMatch(
      /notice not sent \(attempt 1\), next try in 60 s: the SMTP server did not take the notice \(SMTP 550\)/,
    );
    expect(logs.join('\n')).not.toContain('li@court.example');
    refuse = false;
    h.advance(61_000);
    received.length = 0;
    await run();
    expect(received).toHaveLength(1);
  });

  it('says so clearly when the SMTP server cannot be reached', async () => {
    await post('/api/notify', { email: 'li@court.example', digestHour: 3 });
    const nowhere = smtpMailer(
      { host: '127.0.0.1', port: 1, tls: 'none' },
      'notices@portal.example',
    );
    logs.length = 0;
    h.advance(61_000);
    const report = await run(nowhere);
    expect(report.failed).toEqual([]);
    expect(logs.join('\n')).toMatch(
      /the SMTP server did not take the notice \(ECONNREFUSED|ESOCKET|ECONNECTION\)/,
    );
  });
});
