// A file's chunks to RFC 9580 (v6) keys that prefer AEAD: the data is SEIPDv2 and the session-key
// packets are v6, which name no cipher. After a reload the file's key is recovered from the first
// chunk's packets and its data packet header (what the server keeps), later chunks carry the first
// chunk's packets byte for byte, and the unit's key opens all of them.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chunkLayout,
  chunkPlaintext,
  FileAssembler,
  FileKeys,
  openChunk,
  recoverFileKey,
  sameKeyPackets,
  splitPackets,
  wrappedKeys,
} from '../../src/crypto';

/** A v6 key that, like the RFC 9580 keys of other implementations, prefers SEIPDv2. */
const v6Key = (name: string) =>
  openpgp.generateKey({
    userIDs: [{ name }],
    config: { v6Keys: true, aeadProtect: true },
    format: 'object',
  });

let unit: openpgp.PrivateKey;
let sealer: openpgp.PrivateKey;
let recipients: string[];
const tag = 'v6AeadChunksFileTag000';
const bytes = new Uint8Array(2 * 5 * 1024 * 1024 + 333).map((_, i) => (i * 7 + (i >>> 10)) & 0xff);
const meta = { name: 'call.m4a', type: 'audio/mp4', size: bytes.length };
const layout = chunkLayout(meta);
const plain = (n: number) => chunkPlaintext(layout, n, async (a, b) => bytes.subarray(a, b));
const label = (n: number) => ({ tag, n, count: layout.count });

beforeAll(async () => {
  unit = (await v6Key('Unit')).privateKey;
  // The sealer is a recipient too (as the reporter is of their own files).
  sealer = (await v6Key('Sealer')).privateKey;
  recipients = [unit.toPublic().armor(), sealer.toPublic().armor()];
  expect(layout.count).toBe(3);
});

/** Chunk 0 sealed in one "tab"; what the server then holds of it. */
async function firstChunk() {
  const chunk = await new FileKeys().seal(
    await plain(0),
    label(0),
    { recipients, signingKey: sealer },
    null,
  );
  const parts = wrappedKeys(chunk)!;
  return { chunk, held: { keyPackets: parts.keyPackets.slice(), data: parts.data } };
}

describe('chunks to v6 keys that prefer AEAD (SEIPDv2)', () => {
  it('the first chunk is SEIPDv2 with v6 session-key packets, which name no cipher', async () => {
    const { chunk, held } = await firstChunk();
    expect(held.data).toMatchObject({ version: 2 });
    expect(held.data.cipher).toBeGreaterThan(0);
    expect(held.data.aead).toBeGreaterThan(0);
    const packets = splitPackets(held.keyPackets);
    expect(packets).toHaveLength(2);
    for (const p of packets) expect(held.keyPackets[p.body]).toBe(6);
    const [found] = await openpgp.decryptSessionKeys({
      message: await openpgp.readMessage({ binaryMessage: held.keyPackets }),
      decryptionKeys: [sealer],
    });
    expect(found?.algorithm ?? null).toBeNull();
    expect(wrappedKeys(chunk)!.dataStart).toBe(held.keyPackets.length);
  });

  it('after a reload, the key comes from the packets and the data header; all chunks open', async () => {
    const { chunk, held } = await firstChunk();
    // A new tab: nothing of chunk 0 is kept but what the server answers.
    const keys = new FileKeys();
    const options = { recipients, signingKey: sealer };
    const rest = [
      await keys.seal(await plain(1), label(1), options, held),
      await keys.seal(await plain(2), label(2), options, held),
    ];
    const file = new FileAssembler();
    const out: Uint8Array[] = [];
    for (const [n, c] of [chunk, ...rest].entries()) {
      const parts = wrappedKeys(c)!;
      // The server's check: the first chunk's packets byte for byte, the same data header.
      expect(sameKeyPackets(parts.keyPackets, held.keyPackets)).toBe(true);
      expect(parts.data).toEqual(held.data);
      const opened = await openChunk(
        c,
        { decryptionKeys: [unit], verificationKeys: [sealer.toPublic().armor()] },
        { n, count: layout.count, tag },
      );
      expect(opened.label).toEqual(label(n));
      out.push(file.push(opened.plain));
    }
    expect(file.finish()).toEqual(meta);
    expect(Buffer.compare(Buffer.concat(out), Buffer.from(bytes))).toBe(0);
  }, 120_000);

  it('the recovered key carries the cipher and AEAD mode of the data header', async () => {
    const { held } = await firstChunk();
    const key = await recoverFileKey(held.keyPackets, [sealer], held.data);
    expect(key.sessionKey.algorithm).toBe(
      openpgp.enums.read(openpgp.enums.symmetric, held.data.cipher!),
    );
    const aead = openpgp.enums.aead as unknown as Record<string, number>;
    expect(aead[key.sessionKey.aeadAlgorithm!]).toBe(held.data.aead);
  });

  it('without the data header, or with a wrong one, the key is not recovered', async () => {
    const { held } = await firstChunk();
    await expect(recoverFileKey(held.keyPackets, [sealer])).rejects.toThrow(/cipher is unknown/);
    await expect(recoverFileKey(held.keyPackets, [sealer], { version: 1 })).rejects.toThrow(
      /cipher is unknown/,
    );
    const stranger = (await v6Key('Stranger')).privateKey;
    await expect(recoverFileKey(held.keyPackets, [stranger], held.data)).rejects.toThrow();
  });
});
