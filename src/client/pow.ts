// Paying for a request with a proof of work: fetch a challenge, solve it, and send the solution in
// the headers the server checks before it reads anything else. Pages, CLI and tests share it.
import type { PowChallenge } from '../contract/pow';
import { POW_CHALLENGE_HEADER, POW_NONCE_HEADER, type PowPurpose } from '../contract/terms';
import { solvePow } from '../crypto';
import { callApi, type Fetcher } from './api';

export type { PowPurpose };
export interface PowSolution {
  challenge: string;
  nonce: string;
}

/** Solves a fresh challenge; `onTries` hears the number of tries so far, for a progress line. */
export async function proofOfWork(
  fetcher: Fetcher,
  purpose: PowPurpose,
  onTries?: (tries: number) => void,
): Promise<PowSolution> {
  const c = await callApi<PowChallenge>(fetcher, `/api/pow?purpose=${purpose}`);
  onTries?.(0);
  return { challenge: c.challenge, nonce: await solvePow(c.challenge, c.difficulty, onTries) };
}

/** The request headers that carry a solution. */
export const powHeaders = (pow: PowSolution): Record<string, string> => ({
  [POW_CHALLENGE_HEADER]: pow.challenge,
  [POW_NONCE_HEADER]: pow.nonce,
});
