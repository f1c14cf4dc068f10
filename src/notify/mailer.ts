// Where notices go: one small interface, and the two senders that work on every runtime (an HTTP
// webhook, Cloudflare's e-mail binding). Node's SMTP sender is in smtp.ts (it needs node: modules).

export interface Notice {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the notice is accepted; throws MailError when it is not. */
  send(notice: Notice): Promise<void>;
}

/** A refusal or an unreachable relay, described without the address or the notice's text. */
export class MailError extends Error {}

/** POSTs `{to, subject, text}` as JSON, with a bearer token when one is configured. */
export function webhookMailer(
  url: string,
  token: string | undefined,
  fetcher: typeof fetch = fetch,
): Mailer {
  return {
    async send(notice) {
      let res: Response;
      try {
        res = await fetcher(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(notice),
        });
      } catch (err) {
        throw new MailError(`the notice webhook is unreachable (${(err as Error).name})`);
      }
      await res.body?.cancel();
      if (!res.ok)
        throw new MailError(`the notice webhook refused the notice (HTTP ${res.status})`);
    },
  };
}

/** Cloudflare's `send_email` binding and the `EmailMessage` class of `cloudflare:email`. */
export interface SendEmailBinding {
  send(message: unknown): Promise<unknown>;
}
export type EmailMessageClass = new (from: string, to: string, raw: string) => unknown;

/** A plain-text message in MIME, with no header beyond what delivery needs. */
export function mimeMessage(from: string, notice: Notice, messageId: string): string {
  const text = notice.text.replace(/\r?\n/g, '\r\n');
  return [
    `From: ${from}`,
    `To: ${notice.to}`,
    `Subject: ${notice.subject}`,
    `Message-ID: <${messageId}@${from.split('@')[1] ?? 'localhost'}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
  ].join('\r\n');
}

export function cloudflareMailer(
  binding: SendEmailBinding,
  EmailMessage: EmailMessageClass,
  from: string,
  newMessageId: () => string,
): Mailer {
  return {
    async send(notice) {
      const raw = mimeMessage(from, notice, newMessageId());
      try {
        await binding.send(new EmailMessage(from, notice.to, raw));
      } catch (err) {
        throw new MailError(`the e-mail binding refused the notice (${(err as Error).name})`);
      }
    },
  };
}
