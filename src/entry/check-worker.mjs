// Node only: the file a check thread starts from. The portal runs its TypeScript through tsx,
// whose loader a worker thread does not inherit (Node 20), so the thread registers it first.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
