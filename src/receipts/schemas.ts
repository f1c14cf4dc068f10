// Shapes of the reporter's follow-up requests, all authorised by the receipt's lookup token.
import { z } from 'zod';
import { LOOKUP_TOKEN_HEADER } from '../contract/headers';
import { grantItems } from '../grants/routes';
import { armoredMessage, entityId, MAX_FOLLOWUP_MESSAGE } from '../reports/schemas';

/** Files announced with a message: it stays pending, seen by nobody, until they are all in. */
const announcedFiles = z.number().int().min(0).max(1000).default(0);
export const addMessageBody = z.strictObject({
  message: armoredMessage(MAX_FOLLOWUP_MESSAGE),
  files: announcedFiles,
});
export const flagRetaliationBody = z.strictObject({
  details: armoredMessage(MAX_FOLLOWUP_MESSAGE),
  files: announcedFiles,
});
export const attachmentParams = z.strictObject({ id: entityId });

export { LOOKUP_TOKEN_HEADER };

/** A share with a unit above: one grant of the whole case per reading key of that unit. */
export const shareBody = z.strictObject({
  unitId: entityId,
  grants: z
    .array(z.strictObject({ granteeId: entityId, items: grantItems }))
    .min(1)
    .max(50),
});
