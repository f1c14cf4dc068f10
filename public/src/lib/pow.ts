// Fetching and solving a proof-of-work challenge, reporting the number of tries as it goes.
import { callApi } from '../../../src/client/api';
import { solvePow } from '../../../src/crypto';
import type { MessageKey, Vars } from '../i18n';
import { browserFetch } from './api';

export type Step = (key: MessageKey, vars?: Vars) => void;

export async function solveChallenge(purpose: 'submit' | 'lookup', step: Step, key: MessageKey) {
  const c = await callApi<{ challenge: string; difficulty: number }>(
    browserFetch,
    `/api/pow?purpose=${purpose}`,
  );
  step(key, { tries: 0 });
  const nonce = await solvePow(c.challenge, c.difficulty, (tries) => step(key, { tries }));
  return { challenge: c.challenge, nonce };
}
