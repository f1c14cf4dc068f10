// Client-side encryption throughput, runnable in Node and in a browser page (no node: or DOM
// imports): the portal's crypto module sealing a report and one attachment to the unit's keys,
// against a bare `openpgp.encrypt` of the same bytes to the same keys with the same signing key.
import * as openpgp from 'openpgp';
import { sealFile, sealJson, unlockPrivateKey } from '../src/crypto';
import { median } from './stats';

export interface CryptoInput {
  /** Armored public keys to encrypt to. */
  recipients: string[];
  /** Armored locked signing key and its passphrase. */
  lockedKey: string;
  passphrase: string;
  /** The report object (JSON) and the attachment's size in bytes. */
  report: unknown;
  fileBytes: number;
  rounds: number;
}

export interface CryptoFigure {
  /** Plaintext bytes encrypted per round (report JSON + attachment), in MB (10^6 bytes). */
  mb: number;
  portalMBps: number;
  bareMBps: number;
  ratio: number;
}

function randomFile(size: number): Uint8Array {
  const out = new Uint8Array(size);
  // getRandomValues fills at most 65,536 bytes a call.
  for (let at = 0; at < size; at += 65_536) {
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65_536)));
  }
  return out;
}

export async function measureCrypto(input: CryptoInput): Promise<CryptoFigure> {
  const signingKey = await unlockPrivateKey(input.lockedKey, input.passphrase);
  const file = randomFile(input.fileBytes);
  const reportBytes = new TextEncoder().encode(JSON.stringify(input.report));
  const keys = await Promise.all(input.recipients.map((a) => openpgp.readKey({ armoredKey: a })));
  const portal = async () => {
    await sealJson(input.report, { recipients: input.recipients, signingKey });
    await sealFile(
      file,
      { name: 'evidence.pdf', type: 'application/pdf' },
      {
        recipients: input.recipients,
        signingKey,
      },
    );
  };
  const bare = async () => {
    const options = { encryptionKeys: keys, signingKeys: signingKey };
    const report = await openpgp.createMessage({ binary: reportBytes });
    await openpgp.encrypt({ message: report, ...options, format: 'armored' });
    const attachment = await openpgp.createMessage({ binary: file });
    await openpgp.encrypt({ message: attachment, ...options, format: 'binary' });
  };
  // Where the runtime exposes it (the bench starts Node and Chromium so), a full collection
  // before each timed run: neither side then pays for the garbage the other left.
  const collect = (globalThis as { gc?: () => void }).gc;
  const time = async (f: () => Promise<void>) => {
    collect?.();
    const started = performance.now();
    await f();
    return (performance.now() - started) / 1000;
  };
  // One untimed pass each warms the JIT; then `rounds` timed runs, alternating the two, and
  // the median of each: the best of a few let one lucky run of either side set the ratio.
  await portal();
  await bare();
  const portalTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let r = 0; r < input.rounds; r++) {
    portalTimes.push(await time(portal));
    bareTimes.push(await time(bare));
  }
  const portalSeconds = median(portalTimes);
  const bareSeconds = median(bareTimes);
  const mb = (reportBytes.length + file.length) / 1e6;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    mb: round(mb),
    portalMBps: round(mb / portalSeconds),
    bareMBps: round(mb / bareSeconds),
    ratio: Math.round((bareSeconds / portalSeconds) * 100) / 100,
  };
}
