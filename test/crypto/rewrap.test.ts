// Re-wrapping a message for one more key: the new key decrypts it, old keys still do, and the
// server's check refuses any change beyond one added session-key packet for the new key.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkRewrap,
  messageBytes,
  rewrapSessionKey,
  splitPackets,
  withKeyPacket,
  wrappedKeys,
} from '../../src/crypto';

const gen = (name: string) =>
  openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    format: 'object',
  });
let a: Awaited<ReturnType<typeof gen>>;
let b: Awaited<ReturnType<typeof gen>>;
let c: Awaited<ReturnType<typeof gen>>;
let stored: Uint8Array;
const idsOf = (k: openpgp.PublicKey) => k.getKeys().map((s) => s.getKeyID().toHex());

beforeAll(async () => {
  [a, b, c] = await Promise.all([gen('a'), gen('b'), gen('c')]);
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new TextEncoder().encode('evidence') }),
    encryptionKeys: [a.publicKey],
  });
  stored = await messageBytes(armored);
});

async function rewrapped(to = b.publicKey) {
  const parts = wrappedKeys(stored)!;
  const packet = await rewrapSessionKey({
    wrapped: parts,
    decryptionKeys: [a.privateKey],
    recipient: to,
  });
  return { next: withKeyPacket(stored, parts.dataStart, packet), packet, parts };
}

describe('re-wrapping', () => {
  it('lets the new key and the old key decrypt, with the data bytes unchanged', async () => {
    const { next, parts } = await rewrapped();
    expect(next.subarray(next.length - (stored.length - parts.dataStart))).toEqual(
      stored.subarray(parts.dataStart),
    );
    for (const key of [a.privateKey, b.privateKey]) {
      const message = await openpgp.readMessage({ binaryMessage: next });
      const { data } = await openpgp.decrypt({ message, decryptionKeys: key, format: 'binary' });
      expect(new TextDecoder().decode(data as Uint8Array)).toBe('evidence');
    }
    expect(await checkRewrap(stored, next, idsOf(b.publicKey))).toEqual({ ok: true });
  });

  it('refuses altered data, a dropped or changed old packet, two packets, or the wrong key', async () => {
    const { next, packet } = await rewrapped();
    const flipped = next.slice();
    flipped[flipped.length - 5]! ^= 1;
    const firstOld = splitPackets(stored)[0]!;
    const withoutOld = withKeyPacket(
      stored.subarray(firstOld.end),
      wrappedKeys(stored.subarray(firstOld.end))?.dataStart ?? 0,
      packet,
    );
    const changedOld = next.slice();
    changedOld[firstOld.end - 3]! ^= 1;
    const parts = wrappedKeys(stored)!;
    const twice = withKeyPacket(next, parts.dataStart + packet.length, packet);
    const cases: [Uint8Array, RegExp][] = [
      [flipped, /encrypted data differs/],
      [withoutOld, /not session-key packets|changed/],
      [changedOld, /was changed/],
      [twice, /exactly one/],
    ];
    for (const [bytes, reason] of cases) {
      const check = await checkRewrap(stored, bytes, idsOf(b.publicKey));
      expect(check.ok).toBe(false);
      expect(check.ok ? '' : check.reason).toMatch(reason);
    }
    const forC = (await rewrapped(c.publicKey)).next;
    expect(await checkRewrap(stored, forC, idsOf(b.publicKey))).toMatchObject({ ok: false });
  });

  it('reads old-format and partial-length packet framing, as GnuPG writes it', async () => {
    const streamed = await openpgp.encrypt({
      message: await openpgp.createMessage({
        binary: new ReadableStream({
          start(ctl) {
            ctl.enqueue(new Uint8Array(70_000));
            ctl.close();
          },
        }),
      }),
      encryptionKeys: [a.publicKey],
      format: 'binary',
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const bytes = new Uint8Array(chunks.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of chunks) {
      bytes.set(x, at);
      at += x.length;
    }
    const packets = splitPackets(bytes);
    expect(packets.map((p) => p.tag)).toEqual([1, 18]);
    expect(packets.at(-1)?.end).toBe(bytes.length);
    const old = new Uint8Array([0x84, 3, 1, 2, 3, 0x88, 1, 9]);
    expect(splitPackets(old).map((p) => [p.tag, p.end])).toEqual([
      [1, 5],
      [2, 8],
    ]);
  });
});
