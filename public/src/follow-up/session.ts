// Opening a case with a receipt: proof of work, lookup, unlocking the reporter's key, decrypting.
import type { PrivateKey } from 'openpgp';
import { callApi } from '../../../src/client/api';
import { type OpenedMessage, readMessages } from '../../../src/client/reporter';
import type { CaseView } from '../../../src/client/types';
import { deriveReceiptSecrets, unlockPrivateKey } from '../../../src/crypto';
import { browserFetch } from '../lib/api';
import { type Step, solveChallenge } from '../lib/pow';

/** Held in memory only, for as long as the page is open; never written to storage. */
export interface CaseSession {
  lookupToken: string;
  key: PrivateKey;
  view: CaseView;
  messages: OpenedMessage[];
}

async function fetchView(lookupToken: string, step: Step): Promise<CaseView> {
  const pow = await solveChallenge('lookup', step, 'follow.lookup');
  return callApi<CaseView>(browserFetch, '/api/receipt', {
    headers: {
      'x-lookup-token': lookupToken,
      'x-pow-challenge': pow.challenge,
      'x-pow-nonce': pow.nonce,
    },
  });
}

async function decrypt(
  lookupToken: string,
  key: PrivateKey,
  view: CaseView,
  step: Step,
): Promise<CaseSession> {
  step('progress.decrypt');
  // Replies are opened against the unit's signing keys: readMessages refuses unsigned or forged ones.
  const messages = await readMessages({ fetcher: browserFetch, lookupToken, key, view });
  return { lookupToken, key, view, messages };
}

/** `code` must already have passed parseReceipt, so typos never reach the server. */
export async function openSession(code: string, step: Step): Promise<CaseSession> {
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(code);
  const view = await fetchView(lookupToken, step);
  const key = await unlockPrivateKey(view.reporterLockedKey, keyPassphrase);
  return decrypt(lookupToken, key, view, step);
}

export async function reloadSession(s: CaseSession, step: Step): Promise<CaseSession> {
  return decrypt(s.lookupToken, s.key, await fetchView(s.lookupToken, step), step);
}
