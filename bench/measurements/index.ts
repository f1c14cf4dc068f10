// Every measurement the bench runs after its load scenarios, in this order. To add one, write a
// file beside this one exporting a `Measurement` (see types.ts) and list it here.
// (main also lists `pageWeights` from ./page-weight, first: it needs the light-pages build, which
// this branch does not have.)
import { largeFile } from './large-file';
import { submitToReceipt } from './submit-receipt';
import type { Measurement } from './types';

export const MEASUREMENTS: Measurement[] = [submitToReceipt, largeFile];
