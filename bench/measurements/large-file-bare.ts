// The yardstick of the large-file measurement, bundled and run inside the report page's own tab:
// bare openpgp.js streaming encryption of the file the page holds in its file input (File.stream()
// in, signed and encrypted to the same keys, the output read and dropped). No chunks, no upload.
import * as openpgp from 'openpgp';

export interface BareInput {
  /** The file input whose first file is encrypted. */
  selector: string;
  recipients: string[];
  lockedKey: string;
  passphrase: string;
}

export interface BareResult {
  bytes: number;
  seconds: number;
}

async function bareStream(input: BareInput): Promise<BareResult> {
  const field = document.querySelector<HTMLInputElement>(input.selector);
  const file = field?.files?.[0];
  if (!file) throw new Error(`no file in ${input.selector}`);
  const encryptionKeys = await Promise.all(
    input.recipients.map((armoredKey) => openpgp.readKey({ armoredKey })),
  );
  const signingKeys = await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: input.lockedKey }),
    passphrase: input.passphrase,
  });
  const started = performance.now();
  const message = await openpgp.createMessage({
    binary: file.stream() as ReadableStream<Uint8Array>,
  });
  const sealed = (await openpgp.encrypt({
    message,
    encryptionKeys,
    signingKeys,
    format: 'binary',
  })) as unknown as ReadableStream<Uint8Array>;
  const reader = sealed.getReader();
  let bytes = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    bytes += next.value.length;
  }
  return { bytes, seconds: (performance.now() - started) / 1000 };
}

(globalThis as { bareStream?: typeof bareStream }).bareStream = bareStream;
