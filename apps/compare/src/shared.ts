import { ACTIVATION_DEFINITIONS, epochOrder, fit, LOSS_DEFINITIONS } from '@twinprop/core';
import { stratifiedSplit } from '@twinprop/datasets';

/**
 * The code both engines take from the same place — the batch order, the training loop, the split,
 * core's loss and activation definitions. An error in it cannot show as a disagreement between
 * engines, so the run also checks it against independent oracles (oracles.ts). The harness reaches
 * it only through this record, so that the mutation suite can hand the run a wrong version (as if
 * the shared file had been edited) and check that the oracles notice.
 */
export interface SharedCode {
  /** Core's `epochOrder(rows, seed, epoch, shuffle)`: each epoch's row order. */
  readonly epochOrder: (rows: number, seed: number, epoch: number, shuffle?: boolean) => Int32Array;
  /** Core's `fit`, the one training loop the engines share. */
  readonly fit: typeof fit;
  /** The datasets' `stratifiedSplit`. */
  readonly split: typeof stratifiedSplit;
  /** Core's loss definitions (`rowLoss`, `averagedOver`). */
  readonly losses: typeof LOSS_DEFINITIONS;
  /** Core's activation definitions (`value`, `derivative`), which the probes' expectations use. */
  readonly activations: typeof ACTIVATION_DEFINITIONS;
}

/** The real shared code. */
export const SHARED_CODE: SharedCode = {
  epochOrder,
  fit,
  split: stratifiedSplit,
  losses: LOSS_DEFINITIONS,
  activations: ACTIVATION_DEFINITIONS,
};
