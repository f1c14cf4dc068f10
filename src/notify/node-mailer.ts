// The sender the Node entry and the command line use: SMTP when SMTP_HOST is set, else the
// webhook when NOTIFY_WEBHOOK_URL is, else none (notices then wait in the outbox).
import type { Config } from '../config';
import { type Mailer, webhookMailer } from './mailer';
import { smtpMailer } from './smtp';

export function mailerFor(config: Config): Mailer | undefined {
  const n = config.notify;
  if (n.smtp) return smtpMailer(n.smtp, n.from);
  if (n.webhook) return webhookMailer(n.webhook.url, n.webhook.token);
  return undefined;
}
