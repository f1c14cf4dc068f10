// Notices by e-mail: a supervisor's settings, as GET, POST and DELETE /api/notify answer them.
import { z } from 'zod';

/** GET /api/notify: not registered, or the address with its choices. */
export const noticeSettingsResponse = z.discriminatedUnion('registered', [
  z.strictObject({ registered: z.literal(false) }),
  z.strictObject({
    registered: z.literal(true),
    email: z.string(),
    verified: z.boolean(),
    digestHour: z.number().int(),
    onlyWhenActive: z.boolean(),
    encryptDetails: z.boolean(),
  }),
]);

/** POST /api/notify: the address registered, waiting for its confirmation. */
export const noticeRegisteredResponse = z.strictObject({
  email: z.string(),
  verified: z.boolean(),
});

/** DELETE /api/notify */
export const noticesStoppedResponse = z.strictObject({ registered: z.literal(false) });

export type NoticeSettings = z.infer<typeof noticeSettingsResponse>;
export type NoticeRegistered = z.infer<typeof noticeRegisteredResponse>;
export type NoticesStopped = z.infer<typeof noticesStoppedResponse>;
