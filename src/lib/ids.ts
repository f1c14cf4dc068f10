// Random identifiers: 128 bits from the CSPRNG, never sequential or time-ordered.
import { pooledRandomBytes, toBase64Url } from '../crypto/encoding';

/**
 * A new ID. One that would start with "-" or "_" is drawn again, so IDs can be typed on a
 * command line without being taken for an option (this costs well under a bit of entropy).
 */
export function newId(): string {
  for (;;) {
    const id = toBase64Url(pooledRandomBytes(16));
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
