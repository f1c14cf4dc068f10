// Node's sender: SMTP through nodemailer, with the host, port, TLS mode and credentials of the
// configuration. Errors name the failure, never the recipient or the notice.
import { createTransport } from 'nodemailer';
import type { Config } from '../config';
import { MailError, type Mailer } from './mailer';

export function smtpMailer(smtp: NonNullable<Config['notify']['smtp']>, from: string): Mailer {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'tls',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 30_000,
    // The machine's host name would otherwise be announced in EHLO and in the Message-ID.
    name: from.split('@')[1] ?? 'localhost',
  });
  return {
    async send(notice) {
      try {
        await transport.sendMail({
          from,
          to: notice.to,
          subject: notice.subject,
          text: notice.text,
          messageId: `<${crypto.randomUUID()}@${from.split('@')[1] ?? 'localhost'}>`,
        });
      } catch (err) {
        const e = err as { code?: string; responseCode?: number };
        const what = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error');
        throw new MailError(`the SMTP server did not take the notice (${what})`);
      }
    },
  };
}
