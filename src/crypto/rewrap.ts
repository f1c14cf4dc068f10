// Giving an existing message to one more key without touching its encrypted data: the reader
// decrypts only the session key and wraps it for the new key in a packet put beside the old ones.
// The same packet framing is read by the server, which checks that nothing but that packet changed.

import * as openpgp from 'openpgp';

const PKESK = 1; // public-key encrypted session key
const SEIPD = 18; // symmetrically encrypted, integrity protected data (v1 and v2)
const AEAD = 20; // the draft AEAD-encrypted data packet openpgp.js may also read

export interface RawPacket {
  tag: number;
  /** Offset of the packet's first header byte. */
  start: number;
  /** Offset of the first byte of its body (after the first length header). */
  body: number;
  /** Offset just past the packet. */
  end: number;
}

/** One body length: new-format octets (RFC 9580 §4.2.1), `partial` when more chunks follow. */
function newLength(b: Uint8Array, at: number): { length: number; size: number; partial: boolean } {
  const o1 = b[at];
  if (o1 === undefined) throw new RangeError('truncated packet length');
  if (o1 < 192) return { length: o1, size: 1, partial: false };
  if (o1 < 224)
    return { length: ((o1 - 192) << 8) + (b[at + 1] ?? 0) + 192, size: 2, partial: false };
  if (o1 < 255) return { length: 1 << (o1 & 0x1f), size: 1, partial: true };
  const v = new DataView(b.buffer, b.byteOffset + at + 1, 4).getUint32(0);
  return { length: v, size: 5, partial: false };
}

/** Splits binary OpenPGP into its packets' byte ranges, both header formats, partial lengths too. */
export function splitPackets(b: Uint8Array): RawPacket[] {
  const out: RawPacket[] = [];
  let at = 0;
  while (at < b.length) {
    const first = b[at] as number;
    if ((first & 0x80) === 0) throw new RangeError('not an OpenPGP packet');
    const start = at;
    if (first & 0x40) {
      const tag = first & 0x3f;
      let len = newLength(b, at + 1);
      const body = at + 1 + len.size;
      at = body + len.length;
      while (len.partial) {
        len = newLength(b, at);
        at += len.size + len.length;
      }
      out.push({ tag, start, body, end: at });
    } else {
      const tag = (first >> 2) & 0x0f;
      const type = first & 3;
      const size = [1, 2, 4, 0][type] as number;
      const v = new DataView(b.buffer, b.byteOffset + at + 1, size);
      const length =
        type === 3 ? b.length - at - 1 : [v.getUint8, v.getUint16, v.getUint32][type]!.call(v, 0);
      out.push({ tag, start, body: at + 1 + size, end: at + 1 + size + length });
      at = at + 1 + size + length;
    }
    if (at > b.length) throw new RangeError('truncated packet');
  }
  return out;
}

/** Bytes of a message given as armored text or binary. */
export async function messageBytes(input: string | Uint8Array): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  const { data } = await openpgp.unarmor(input);
  return data as unknown as Uint8Array;
}

export const armorMessage = (bytes: Uint8Array) =>
  openpgp.armor(openpgp.enums.armor.message, bytes);

/** What a key-holder needs to re-wrap: the session-key packets, and the data packet's cipher. */
export interface WrappedKeys {
  /** The message's session-key packets, concatenated (binary OpenPGP). */
  keyPackets: Uint8Array;
  /** Version of the data packet; for version 2 its cipher and AEAD mode (RFC 9580 §5.13.2). */
  data: { version: number; cipher?: number; aead?: number };
}

/** The session-key packets and data packet of a stored message, or null if it is not one. */
export function wrappedKeys(bytes: Uint8Array): (WrappedKeys & { dataStart: number }) | null {
  let packets: RawPacket[];
  try {
    packets = splitPackets(bytes);
  } catch {
    return null;
  }
  const last = packets[packets.length - 1];
  const keys = packets.slice(0, -1);
  if (!last || keys.length === 0 || !keys.every((p) => p.tag === PKESK)) return null;
  if (last.tag !== SEIPD && last.tag !== AEAD) return null;
  const version = bytes[last.body] ?? 0;
  const data =
    version === 2
      ? { version, cipher: bytes[last.body + 1] ?? 0, aead: bytes[last.body + 2] ?? 0 }
      : { version };
  return { keyPackets: bytes.subarray(0, last.start), data, dataStart: last.start };
}

/** Key IDs (hex) named by session-key packets; the wildcard ID counts as naming nobody. */
export async function keyIdsOf(keyPackets: Uint8Array): Promise<string[]> {
  const message = await openpgp.readMessage({ binaryMessage: keyPackets });
  return message
    .getEncryptionKeyIDs()
    .map((id) => id.toHex().toLowerCase())
    .filter((id) => id !== '0000000000000000');
}

/** The message with one more session-key packet, put after the others; the data is not touched. */
export function withKeyPacket(
  bytes: Uint8Array,
  dataStart: number,
  packet: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(bytes.length + packet.length);
  out.set(bytes.subarray(0, dataStart), 0);
  out.set(packet, dataStart);
  out.set(bytes.subarray(dataStart), dataStart + packet.length);
  return out;
}

/** The message with granted packets put after its own (each a session-key packet); the data is
 * not touched. Grants are stored apart from the message, so two grants never rewrite one record. */
export function withKeyPackets(bytes: Uint8Array, packets: Uint8Array[]): Uint8Array {
  if (packets.length === 0) return bytes;
  const parts = wrappedKeys(bytes);
  if (!parts) throw new RangeError('not session-key packets followed by encrypted data');
  const joined = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of packets) {
    joined.set(p, at);
    at += p.length;
  }
  return withKeyPacket(bytes, parts.dataStart, joined);
}

/**
 * In the browser or CLI: decrypts the session key with the reader's own key and wraps it for the
 * new key. Returns the new session-key packet (binary), the only thing sent to the server.
 */
export async function rewrapSessionKey(options: {
  wrapped: WrappedKeys;
  decryptionKeys: openpgp.PrivateKey[];
  recipient: openpgp.PublicKey;
}): Promise<Uint8Array> {
  const message = await openpgp.readMessage({ binaryMessage: options.wrapped.keyPackets });
  const [key] = await openpgp.decryptSessionKeys({
    message,
    decryptionKeys: options.decryptionKeys,
  });
  if (!key) throw new Error('no session key could be decrypted with this key');
  return wrapSessionKey(
    { data: key.data, algorithm: key.algorithm },
    options.wrapped,
    options.recipient,
  );
}

/** Wraps a known session key (e.g. from `gpg --show-session-key`) for the new key. */
export async function wrapSessionKey(
  key: { data: Uint8Array; algorithm: string | null },
  wrapped: WrappedKeys,
  recipient: openpgp.PublicKey,
): Promise<Uint8Array> {
  return openpgp.encryptSessionKey({
    ...sessionKeyOf(key, wrapped.data),
    encryptionKeys: recipient,
    format: 'binary',
  });
}

/**
 * A decrypted session key made whole for the data packet it opens. A v6 session-key packet
 * (RFC 9580 §5.1) names no cipher: with a version 2 data packet, the cipher and the AEAD mode are
 * in that packet's header (§5.13.2), so they are taken from there, and the key carries the AEAD
 * mode so that whatever is encrypted with it again is version 2 data too.
 */
export function sessionKeyOf(
  key: { data: Uint8Array; algorithm: string | null },
  data: WrappedKeys['data'],
): openpgp.SessionKey {
  const v2 = data.version === 2;
  const algorithm = (
    v2 ? openpgp.enums.read(openpgp.enums.symmetric, data.cipher ?? 0) : key.algorithm
  ) as openpgp.enums.symmetricNames | null | undefined;
  if (!algorithm) throw new Error('the session key’s cipher is unknown');
  return {
    data: key.data,
    algorithm,
    ...(v2 ? { aeadAlgorithm: aeadName(data.aead ?? 0) } : {}),
  };
}

/** The AEAD mode's name (openpgp.js types declare no reader for it). */
function aeadName(id: number): openpgp.enums.aeadNames {
  const names = openpgp.enums.aead as unknown as Record<string, number>;
  const name = Object.keys(names).find((k) => names[k] === id && k !== 'experimentalGCM');
  if (!name) throw new Error('unknown AEAD mode');
  return name as openpgp.enums.aeadNames;
}

export type RewrapCheck = { ok: true } | { ok: false; reason: string };

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The server's check of a re-wrapped message against the stored one: the encrypted data byte for
 * byte the same, every old session-key packet still there unchanged, and exactly one packet added,
 * naming one of the new key's encryption subkeys.
 */
export async function checkRewrap(
  stored: Uint8Array,
  next: Uint8Array,
  newKeyIds: string[],
): Promise<RewrapCheck> {
  const before = wrappedKeys(stored);
  const after = wrappedKeys(next);
  if (!before || !after)
    return { ok: false, reason: 'not session-key packets followed by encrypted data' };
  if (!sameBytes(stored.subarray(before.dataStart), next.subarray(after.dataStart)))
    return { ok: false, reason: 'the encrypted data differs from the stored message' };
  const old = splitPackets(before.keyPackets).map((p) =>
    before.keyPackets.subarray(p.start, p.end),
  );
  const added = splitPackets(after.keyPackets).map((p) =>
    after.keyPackets.subarray(p.start, p.end),
  );
  for (const packet of old) {
    const i = added.findIndex((p) => sameBytes(p, packet));
    if (i < 0)
      return { ok: false, reason: 'a session-key packet of the stored message was changed' };
    added.splice(i, 1);
  }
  if (added.length !== 1)
    return { ok: false, reason: 'a grant adds exactly one session-key packet' };
  const ids = await keyIdsOf(added[0]!).catch(() => []);
  const wanted = new Set(newKeyIds.map((id) => id.toLowerCase()));
  if (ids.length !== 1 || !wanted.has(ids[0]!))
    return { ok: false, reason: 'the added session-key packet is not for the new key' };
  return { ok: true };
}
