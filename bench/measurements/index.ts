// Every measurement the bench runs after its load scenarios, in this order. To add one, write a
// file beside this one exporting a `Measurement` (see types.ts) and list it here.
import { largeFile } from './large-file';
import { pageWeights } from './page-weight';
import { submitToReceipt } from './submit-receipt';
import type { Measurement } from './types';

export const MEASUREMENTS: Measurement[] = [pageWeights, submitToReceipt, largeFile];
