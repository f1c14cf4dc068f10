// Random identifiers: 128 bits from the CSPRNG, never sequential or time-ordered.
import { randomBytes, toBase64Url } from '../crypto/encoding';

export const newId = (): string => toBase64Url(randomBytes(16));

export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
