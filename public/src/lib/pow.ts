// Solving a proof-of-work challenge for a page, reporting the number of tries as it goes. The
// solution travels in headers: send `powHeaders(solution)` with the request it pays for.
import { type PowPurpose, proofOfWork } from '../../../src/client/pow';
import type { MessageKey, Vars } from '../i18n';
import { browserFetch } from './api';

export { powHeaders } from '../../../src/client/pow';

export type Step = (key: MessageKey, vars?: Vars) => void;

export function solveChallenge(purpose: PowPurpose, step: Step, key: MessageKey) {
  return proofOfWork(browserFetch, purpose, (tries) => step(key, { tries }));
}
