// Opening a message reports its signature as a status instead of throwing: verified, unsigned,
// signed by an unexpected key, or bad (altered after signing). Only a key outside the recipients
// throws. Real keys, real OpenPGP packets; the "bad" message is signed, then its literal data is
// changed before encryption, as a server-side forger holding an old signature would try.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSigned, SignatureError, verifiedValue } from '../../src/client/opened';
import {
  openFile,
  openJson,
  pad,
  sealFile,
  sealJson,
  utf8,
  verifyDetachedText,
} from '../../src/crypto';

const gen = (name: string) =>
  openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    format: 'object',
  });
type Pair = Awaited<ReturnType<typeof gen>>;
let reader: Pair;
let author: Pair;
let stranger: Pair;

const body = (value: unknown) => pad(utf8(JSON.stringify(value)));

beforeAll(async () => {
  [reader, author, stranger] = await Promise.all([gen('reader'), gen('author'), gen('stranger')]);
});

const expecting = () => ({
  decryptionKeys: [reader.privateKey],
  verificationKeys: [author.publicKey.armor()],
});

async function unsigned(): Promise<string> {
  return openpgp.encrypt({
    message: await openpgp.createMessage({ binary: body({ text: 'unsigned' }) }),
    encryptionKeys: reader.publicKey,
  });
}

async function altered(): Promise<string> {
  const signed = await openpgp.sign({
    message: await openpgp.createMessage({ binary: body({ text: 'original' }) }),
    signingKeys: author.privateKey,
    format: 'object',
  });
  const literal = signed.packets.findPacket(openpgp.enums.packet.literalData) as
    | openpgp.LiteralDataPacket
    | undefined;
  if (!literal) throw new Error('no literal data packet');
  // setBytes is public at run time; the typings mark it private.
  (literal as unknown as { setBytes(b: Uint8Array, f: unknown): void }).setBytes(
    body({ text: 'altered' }),
    openpgp.enums.literal.binary,
  );
  return openpgp.encrypt({ message: signed, encryptionKeys: reader.publicKey });
}

describe('openJson verification status', () => {
  it('verified: signed by an expected key, with the signer named', async () => {
    const armored = await sealJson(
      { text: 'hello' },
      { recipients: [reader.publicKey.armor()], signingKey: author.privateKey },
    );
    const opened = await openJson<{ text: string }>(armored, expecting());
    expect(opened.verification).toBe('verified');
    expect(opened.signer).toBe(author.publicKey.getFingerprint().toUpperCase());
    expect(opened.value.text).toBe('hello');
  });

  it('unsigned: no signature at all', async () => {
    const opened = await openJson(await unsigned(), expecting());
    expect(opened.verification).toBe('unsigned');
    expect(opened.signer).toBeNull();
  });

  it('unknown-key: signed by a key that is not expected', async () => {
    const armored = await sealJson(
      { text: 'from a stranger' },
      { recipients: [reader.publicKey.armor()], signingKey: stranger.privateKey },
    );
    const opened = await openJson(armored, expecting());
    expect(opened.verification).toBe('unknown-key');
    expect(opened.signer).toBeNull();
  });

  it('bad: signed by the expected key, then altered', async () => {
    const opened = await openJson(await altered(), expecting());
    expect(opened.verification).toBe('bad');
    expect(opened.signer).toBeNull();
  });

  it('not-checked: no expected keys given', async () => {
    const armored = await sealJson(
      { text: 'x' },
      { recipients: [reader.publicKey.armor()], signingKey: author.privateKey },
    );
    expect((await openJson(armored, { decryptionKeys: [reader.privateKey] })).verification).toBe(
      'not-checked',
    );
  });

  it('a key outside the recipients still throws', async () => {
    const armored = await sealJson(
      { text: 'x' },
      { recipients: [author.publicKey.armor()], signingKey: author.privateKey },
    );
    await expect(openJson(armored, expecting())).rejects.toThrow();
  });
});

describe('what the pages get', () => {
  it('readSigned keeps content only when verified, and names every other case', async () => {
    const good = await sealJson(
      { text: 'good' },
      { recipients: [reader.publicKey.armor()], signingKey: author.privateKey },
    );
    const elsewhere = await sealJson(
      { text: 'x' },
      { recipients: [stranger.publicKey.armor()], signingKey: author.privateKey },
    );
    expect(await readSigned(good, expecting())).toEqual({
      content: { text: 'good' },
      verification: 'verified',
    });
    expect(await readSigned(await unsigned(), expecting())).toEqual({
      content: null,
      verification: 'unsigned',
    });
    expect(await readSigned(await altered(), expecting())).toEqual({
      content: null,
      verification: 'bad',
    });
    expect(await readSigned(elsewhere, expecting())).toEqual({
      content: null,
      verification: 'undecryptable',
    });
  });

  it('a file signed by a stranger is refused with its reason', async () => {
    const sealed = await sealFile(
      utf8('evidence'),
      { name: 'a.txt', type: 'text/plain' },
      { recipients: [reader.publicKey.armor()], signingKey: stranger.privateKey },
    );
    const opened = await openFile(sealed, expecting());
    expect(opened.verification).toBe('unknown-key');
    expect(() => verifiedValue(opened)).toThrow(SignatureError);
    const good = await sealFile(
      utf8('evidence'),
      { name: 'a.txt', type: 'text/plain' },
      { recipients: [reader.publicKey.armor()], signingKey: author.privateKey },
    );
    expect(new TextDecoder().decode(verifiedValue(await openFile(good, expecting())).bytes)).toBe(
      'evidence',
    );
  });
});

describe('verifyDetachedText (sign-in)', () => {
  it('accepts the key that signed and refuses another key or another text', async () => {
    const text = 'Whistleblower portal sign-in\nnonce: abc';
    const signature = (await openpgp.sign({
      message: await openpgp.createMessage({ text }),
      signingKeys: author.privateKey,
      detached: true,
    })) as string;
    const date = new Date();
    const publicKey = author.publicKey.armor();
    expect(await verifyDetachedText({ text, signature, publicKey, date })).toBe(true);
    expect(
      await verifyDetachedText({ text, signature, publicKey: stranger.publicKey.armor(), date }),
    ).toBe(false);
    expect(await verifyDetachedText({ text: `${text}!`, signature, publicKey, date })).toBe(false);
    expect(await verifyDetachedText({ text, signature: 'junk', publicKey, date })).toBe(false);
  });
});
