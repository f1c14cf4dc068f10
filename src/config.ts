// Runtime configuration, parsed and checked with zod at each entry from its environment.
import { z } from 'zod';

const intFrom = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const configSchema = z.object({
  PORTAL_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(8787, 1, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default('file:./data/portal.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  POW_SUBMIT_DIFFICULTY: intFrom(16, 0, 28),
  POW_LOOKUP_DIFFICULTY: intFrom(14, 0, 28),
  MAX_ATTACHMENT_MB: intFrom(2048, 1, 4000),
  MAX_ATTACHMENTS_PER_MESSAGE: intFrom(20, 1, 100),
  /** How long a page waits with no byte of a chunk sent, then gives it up and sends it again. */
  UPLOAD_STALL_SECONDS: intFrom(60, 2, 3600),
  /** How long a page waits for the answer once a chunk is sent, then asks where to go on. */
  UPLOAD_ANSWER_SECONDS: intFrom(180, 2, 3600),
  ACKNOWLEDGE_DAYS: intFrom(7, 1, 365),
  FEEDBACK_MONTHS: intFrom(3, 1, 24),
  RETALIATION_DAYS: intFrom(2, 1, 60),
  ONION_ADDRESS: z
    .string()
    .regex(/^[a-z2-7]{56}\.onion$/, 'must be a v3 onion host name, like <56 characters>.onion')
    .optional(),
  /** One or more origins, separated by commas or spaces (e.g. the clearnet and the onion name). */
  PUBLIC_ORIGIN: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1))
    .optional(),
  POW_LOAD_SUBMIT_PER_MINUTE: intFrom(30, 1, 1_000_000),
  POW_LOAD_LOOKUP_PER_MINUTE: intFrom(120, 1, 1_000_000),
  LOOKUPS_PER_SECOND: intFrom(20, 1, 100_000),
  BODY_MEMORY_MB: intFrom(64, 1, 4096),
  /** Node: threads that check what clients send; unset, one fewer than the cores (1 to 4). */
  CHECK_THREADS: z.coerce.number().int().min(0).max(32).optional(),
  HEADERS_TIMEOUT_SECONDS: intFrom(10, 1, 300),
  BODY_MIN_BYTES_PER_SECOND: intFrom(2048, 1, 10_000_000),
  BODY_RATE_WINDOW_SECONDS: intFrom(10, 1, 300),
  REQUEST_TIMEOUT_MINUTES: intFrom(30, 1, 24 * 60),
  FOLLOWUP_MESSAGES_PER_DAY: intFrom(20, 1, 100_000),
  FOLLOWUP_FLAGS_PER_DAY: intFrom(3, 1, 100_000),
  FOLLOWUP_MB_PER_DAY: intFrom(4096, 1, 100_000),
  SESSION_IDLE_MINUTES: intFrom(30, 1, 24 * 60),
  SESSION_MAX_HOURS: intFrom(12, 1, 7 * 24),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: intFrom(587, 1, 65535),
  /** `starttls` (port 587, required), `tls` (implicit, port 465) or `none` (a local relay only). */
  SMTP_TLS: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.email().optional(),
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  NOTIFY_WEBHOOK_TOKEN: z.string().min(1).optional(),
  /** UTC hours at which urgent reminders go out, comma-separated. */
  REMINDER_HOURS: z
    .string()
    .default('8,14')
    .transform((v) =>
      v
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
    )
    .pipe(z.array(z.number().int().min(0).max(23)).min(1)),
});

export type Env = z.input<typeof configSchema>;

export interface Config {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  dataDir: string;
  /** Node only: threads for the checks on what clients send (0: inline); null: by the cores. */
  checkThreads: number | null;
  pow: { submit: number; lookup: number };
  limits: {
    attachmentBytes: number;
    attachmentsPerMessage: number;
    /** Served to the pages that upload: when they give a stalled chunk request up. */
    uploadStallSeconds: number;
    uploadAnswerSeconds: number;
  };
  deadlines: { acknowledgeDays: number; feedbackMonths: number; retaliationDays: number };
  onionAddress: string | undefined;
  /**
   * The origins the site is reached at. Sign-in challenges name one of these, chosen by the
   * request's Host, and a request to any other host gets no challenge.
   */
  publicOrigins: string[];
  sessions: { idleSeconds: number; maxSeconds: number };
  notify: {
    smtp:
      | {
          host: string;
          port: number;
          tls: 'starttls' | 'tls' | 'none';
          user?: string;
          password?: string;
        }
      | undefined;
    from: string;
    webhook: { url: string; token: string | undefined } | undefined;
    reminderHours: number[];
  };
  abuse: {
    /** Challenges a minute above which each doubling adds one bit of difficulty. */
    powLoad: { submit: number; lookup: number };
    lookupsPerSecond: number;
    /** Request bodies in memory at once, in bytes (beyond it, 429 with Retry-After). */
    bodyMemoryBytes: number;
    /** Node only: how long headers may take, and the slowest body accepted (see SECURITY.md). */
    headersTimeoutMs: number;
    bodyMinBytesPerSecond: number;
    bodyRateWindowMs: number;
    requestTimeoutMs: number;
    /** Per receipt and UTC day (beyond it, 429 with Retry-After until the next day). */
    followUp: { messages: number; flags: number; bytes: number };
  };
}

export class ConfigError extends Error {}

const ORIGIN_REQUIRED = `Invalid configuration:
  PUBLIC_ORIGIN: is required in production. Sign-in challenges name the site's origin; taken from
  the request's Host header, a phishing site relaying requests could have its own name signed.
  Set every address the portal is reached at, separated by commas, e.g.
  PUBLIC_ORIGIN=https://portal.example.org,http://<56 characters>.onion`;

/**
 * Configured origins; in development and tests, the address the server listens on. A tool that
 * serves no requests (the CLI) may run in production without them, and then has none.
 */
function publicOrigins(e: z.output<typeof configSchema>, serving: boolean): string[] {
  if (e.PUBLIC_ORIGIN) return [...new Set(e.PUBLIC_ORIGIN.map((u) => new URL(u).origin))];
  if (e.PORTAL_ENV === 'production') {
    if (serving) throw new ConfigError(ORIGIN_REQUIRED);
    return [];
  }
  const host = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return [new URL(`http://${host}:${e.PORT}`).origin];
}

export function loadConfig(
  env: Record<string, string | undefined>,
  options: { serving?: boolean } = {},
): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    production: e.PORTAL_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    dataDir: e.DATA_DIR,
    checkThreads: e.CHECK_THREADS ?? null,
    pow: { submit: e.POW_SUBMIT_DIFFICULTY, lookup: e.POW_LOOKUP_DIFFICULTY },
    limits: {
      attachmentBytes: e.MAX_ATTACHMENT_MB * 1024 * 1024,
      attachmentsPerMessage: e.MAX_ATTACHMENTS_PER_MESSAGE,
      uploadStallSeconds: e.UPLOAD_STALL_SECONDS,
      uploadAnswerSeconds: e.UPLOAD_ANSWER_SECONDS,
    },
    deadlines: {
      acknowledgeDays: e.ACKNOWLEDGE_DAYS,
      feedbackMonths: e.FEEDBACK_MONTHS,
      retaliationDays: e.RETALIATION_DAYS,
    },
    onionAddress: e.ONION_ADDRESS,
    publicOrigins: publicOrigins(e, options.serving ?? true),
    abuse: {
      powLoad: { submit: e.POW_LOAD_SUBMIT_PER_MINUTE, lookup: e.POW_LOAD_LOOKUP_PER_MINUTE },
      lookupsPerSecond: e.LOOKUPS_PER_SECOND,
      bodyMemoryBytes: e.BODY_MEMORY_MB * 1024 * 1024,
      headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
      bodyMinBytesPerSecond: e.BODY_MIN_BYTES_PER_SECOND,
      bodyRateWindowMs: e.BODY_RATE_WINDOW_SECONDS * 1000,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MINUTES * 60_000,
      followUp: {
        messages: e.FOLLOWUP_MESSAGES_PER_DAY,
        flags: e.FOLLOWUP_FLAGS_PER_DAY,
        bytes: e.FOLLOWUP_MB_PER_DAY * 1024 * 1024,
      },
    },
    notify: {
      smtp: e.SMTP_HOST
        ? {
            host: e.SMTP_HOST,
            port: e.SMTP_PORT,
            tls: e.SMTP_TLS,
            ...(e.SMTP_USER ? { user: e.SMTP_USER } : {}),
            ...(e.SMTP_PASSWORD ? { password: e.SMTP_PASSWORD } : {}),
          }
        : undefined,
      from: e.MAIL_FROM ?? 'portal@localhost',
      webhook: e.NOTIFY_WEBHOOK_URL
        ? { url: e.NOTIFY_WEBHOOK_URL, token: e.NOTIFY_WEBHOOK_TOKEN }
        : undefined,
      reminderHours: [...new Set(e.REMINDER_HOURS)].sort((a, b) => a - b),
    },
    sessions: { idleSeconds: e.SESSION_IDLE_MINUTES * 60, maxSeconds: e.SESSION_MAX_HOURS * 3600 },
  };
}
