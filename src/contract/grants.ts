// Giving a case to another key: the packets a granter re-wraps and the keys that may receive it.
// A reporter's share with the unit above uses the same packets (receipt share offer).
import { z } from 'zod';
import { unitNameSchema } from './units';
import { dataPacketSchema } from './uploads';

export const grantableKeySchema = z.strictObject({
  id: z.string(),
  role: z.enum(['supervisor', 'recovery']),
  displayName: z.string(),
  pseudonym: z.string(),
  fingerprint: z.string(),
  publicKey: z.string(),
});

/** GET /api/grants/keys: the unit's reading keys, and how many cases its recovery key lacks. */
export const grantableKeysResponse = z.strictObject({
  keys: z.array(grantableKeySchema),
  recoveryBacklog: z.number().int(),
});

/** A message or file whose session key is to be re-wrapped (packets in base64url). */
export const wrappedItemSchema = z.strictObject({
  kind: z.enum(['message', 'attachment']),
  id: z.string(),
  keyPackets: z.string(),
  /** Version of the data packet; for version 2 its cipher and AEAD mode. */
  data: dataPacketSchema,
});

/** GET /api/cases/:id/keys?for=…: what the grantee cannot read yet. */
export const pendingItemsResponse = z.strictObject({
  grantee: z.strictObject({
    id: z.string(),
    pseudonym: z.string(),
    fingerprint: z.string(),
    publicKey: z.string(),
  }),
  items: z.array(wrappedItemSchema),
});

/** POST /api/cases/:id/grants */
export const grantResponse = z.strictObject({
  granted: z.number().int(),
  grantId: z.string().optional(),
});

/** GET /api/receipt/share: the units above a reporter may share the whole case with. */
export const shareOfferResponse = z.strictObject({
  targets: z.array(
    unitNameSchema.extend({
      keys: z.array(
        z.strictObject({
          id: z.string(),
          pseudonym: z.string(),
          fingerprint: z.string(),
          publicKey: z.string(),
          /** IDs of the items this key cannot read yet. */
          needs: z.array(z.string()),
        }),
      ),
    }),
  ),
  items: z.array(wrappedItemSchema),
});

/** POST /api/receipt/share */
export const shareResponse = z.strictObject({
  sharedWith: z.string(),
  keys: z.number().int(),
  items: z.number().int(),
  day: z.string(),
});

export type GrantableKey = z.infer<typeof grantableKeySchema>;
export type GrantableKeysResponse = z.infer<typeof grantableKeysResponse>;
export type WrappedItem = z.infer<typeof wrappedItemSchema>;
export type PendingItems = z.infer<typeof pendingItemsResponse>;
export type GrantResponse = z.infer<typeof grantResponse>;
export type ShareOffer = z.infer<typeof shareOfferResponse>;
export type ShareResponse = z.infer<typeof shareResponse>;
