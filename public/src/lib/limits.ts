// The portal's limits (GET /api/limits), asked once a page: the largest file and the number of
// files it takes, and when a page gives a stalled upload up. Until they arrive, pages use defaults.
import { callApi } from '../../../src/client/api';
import type { Limits } from '../../../src/contract/uploads';
import { browserFetch } from './api';

let asked: Promise<Limits | null> | null = null;
let known: Limits | null = null;

/** The limits, asked once; null when the portal could not be asked (a later call asks again). */
export function portalLimits(): Promise<Limits | null> {
  asked ??= callApi<Limits>(browserFetch, '/api/limits').then(
    (l) => {
      known = l;
      return l;
    },
    () => {
      asked = null;
      return null;
    },
  );
  return asked;
}

/** The limits if they have arrived; never waits (an upload must not hang on a stalled answer). */
export const loadedLimits = (): Limits | null => known;
