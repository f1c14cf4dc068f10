// Node only: a thread of the check pool (check-pool.ts). It runs the checks of
// src/crypto/checks.ts on what the main thread hands it and answers each by its number.
import { parentPort } from 'node:worker_threads';
import { inlineChecks } from '../crypto/checks';

export type CheckRequest =
  | { op: 'report'; publicKey: string; lockedKey: string; message: string }
  | { op: 'encryptedTo'; input: string | Uint8Array };
export type CheckCall = CheckRequest & { id: number };

export type CheckAnswer = { id: number; result: unknown } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', async (call: CheckCall) => {
    try {
      const result =
        call.op === 'report'
          ? await inlineChecks.report(call.publicKey, call.lockedKey, call.message)
          : await inlineChecks.encryptedTo(call.input);
      port.postMessage({ id: call.id, result } satisfies CheckAnswer);
    } catch (err) {
      port.postMessage({ id: call.id, error: String(err) } satisfies CheckAnswer);
    }
  });
  port.postMessage('ready');
}
