// Opening what others wrote: a message is shown only when its signature verified; otherwise the
// page says which of the other cases it is, in words, instead of one "cannot decrypt or verify".
import { type Opened, type OpenOptions, openJson, type Verification } from '../crypto';

/** A signature status, or `undecryptable`: this key is not among the message's recipients. */
export type ReadStatus = Verification | 'undecryptable';

/** Decrypts and checks a message; its content is kept only when the signature verified. */
export async function readSigned<T>(
  armored: string,
  options: OpenOptions,
): Promise<{ content: T | null; verification: ReadStatus }> {
  let opened: Opened<T>;
  try {
    opened = await openJson<T>(armored, options);
  } catch {
    return { content: null, verification: 'undecryptable' };
  }
  return {
    content: opened.verification === 'verified' ? opened.value : null,
    verification: opened.verification,
  };
}

const WHY: Record<Verification, string> = {
  verified: 'the signature verified',
  unsigned: 'it is not signed',
  'unknown-key': 'it is signed by a key that is not expected here',
  bad: 'its signature does not verify: it was altered or forged',
  'not-checked': 'its signature was not checked',
};

/** Thrown when a file's signature is anything but verified; `verification` says which case. */
export class SignatureError extends Error {
  constructor(readonly verification: Verification) {
    super(`This file is not shown because ${WHY[verification]}.`);
    this.name = 'SignatureError';
  }
}

/** The value of an opened file, or a SignatureError naming why it cannot be trusted. */
export function verifiedValue<T>(opened: Opened<T>): T {
  if (opened.verification !== 'verified') throw new SignatureError(opened.verification);
  return opened.value;
}
