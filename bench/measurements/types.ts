// What a bench measurement is: one function in a file of its own under bench/measurements/, run
// once against the running portal after the load scenarios, answering figures that the report
// prints and the README table shows. A measurement with a goal states it in its figures.
import type { Fixture } from '../seed';

export interface MeasureContext {
  /** The portal under test (the Node entry as `npm start` runs it), on loopback. */
  portalUrl: string;
  fixture: Fixture;
  quick: boolean;
  /** A temp folder of the run's own, removed afterwards. */
  dir: string;
  log: (line: string) => void;
  /** The portal's process, for its RSS while a measurement runs (sampled every 50 ms). */
  portal?: { resetPeak(): void; peakRssMb(): number };
}

export interface Figure {
  /** What was measured, as the tables name it. */
  name: string;
  value: number | null;
  unit: string;
  /** The goal, e.g. '<= 200', when this figure has one; information only otherwise. */
  goal?: { op: '<=' | '>=' | '<'; limit: number };
  note?: string;
}

export interface Measurement {
  /** The name `--only` takes. */
  name: string;
  measure: (ctx: MeasureContext) => Promise<Figure[]>;
}

/** Whether a figure meets its goal; null when it has none or was not measured. */
export function met(f: Figure): boolean | null {
  if (!f.goal || f.value == null) return null;
  const { op, limit } = f.goal;
  return op === '<=' ? f.value <= limit : op === '>=' ? f.value >= limit : f.value < limit;
}
