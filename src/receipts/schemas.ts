// Shapes of the reporter's follow-up requests, all authorised by the receipt's lookup token.
import { z } from 'zod';
import { LOOKUP_TOKEN_HEADER } from '../contract/headers';
import { armoredMessage, entityId, MAX_FOLLOWUP_MESSAGE } from '../reports/schemas';

export const addMessageBody = z.strictObject({ message: armoredMessage(MAX_FOLLOWUP_MESSAGE) });
export const flagRetaliationBody = z.strictObject({
  details: armoredMessage(MAX_FOLLOWUP_MESSAGE),
});
export const attachmentQuery = z.strictObject({ message: entityId });
export const attachmentParams = z.strictObject({ id: entityId });

export { LOOKUP_TOKEN_HEADER };
