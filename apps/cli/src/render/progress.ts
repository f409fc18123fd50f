import { SingleBar } from 'cli-progress';
import type { EpochLog } from '@twinprop/core';
import { formatAccuracy, formatLoss } from '@twinprop/toolkit';

/** How training progress is shown: a live bar (TTY), plain lines (piped), or nothing (`--quiet`). */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface ProgressReporter {
  /** Training of epochs `firstEpoch + 1 … totalEpochs` begins. */
  start(firstEpoch: number, totalEpochs: number): void;
  /** `last`: training ends after this epoch (early stopping), so plain lines show it even between their usual epochs. */
  epoch(log: EpochLog, last?: boolean): void;
  /** Stops the bar (leaving its last state on screen); safe to call twice. */
  stop(): void;
  /** Writes a note without tearing the bar. */
  note(text: string): void;
}

/** `loss 0.1234  acc 0.975  val loss 0.2100  val acc 0.960  test loss 0.2345  test acc 0.950` (or MSE for regression). */
export function describeEpoch(log: EpochLog & { readonly learningRate?: number }): string {
  const parts = [`loss ${formatLoss(log.trainLoss)}`];
  if (log.trainAccuracy !== undefined) parts.push(`acc ${formatAccuracy(log.trainAccuracy)}`);
  if (log.validationLoss !== undefined) parts.push(`val loss ${formatLoss(log.validationLoss)}`);
  if (log.validationAccuracy !== undefined) parts.push(`val acc ${formatAccuracy(log.validationAccuracy)}`);
  if (log.validationMse !== undefined) parts.push(`val mse ${formatLoss(log.validationMse)}`);
  if (log.testLoss !== undefined) parts.push(`test loss ${formatLoss(log.testLoss)}`);
  if (log.testAccuracy !== undefined) parts.push(`test acc ${formatAccuracy(log.testAccuracy)}`);
  if (log.testMse !== undefined) parts.push(`test mse ${formatLoss(log.testMse)}`);
  // A scheduled run's logs carry the rate of the epoch's last update (schedule-options.ts).
  if (log.learningRate !== undefined) parts.push(`lr ${Number(log.learningRate.toPrecision(3))}`);
  return parts.join('  ');
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WritableStream): ProgressReporter {
  switch (mode) {
    case 'quiet':
      return { start: () => undefined, epoch: () => undefined, stop: () => undefined, note: () => undefined };
    case 'lines':
      return linesReporter(stream);
    case 'bar':
      return barReporter(stream as NodeJS.WriteStream);
  }
}

/**
 * One line per epoch for short runs; for long ones the first epoch, about twenty evenly spaced
 * epochs and the last, so a log stays readable.
 */
function linesReporter(stream: NodeJS.WritableStream): ProgressReporter {
  let total = 0;
  let every = 1;
  let first = 1;
  const width = (n: number): number => String(n).length;
  return {
    start(firstEpoch, totalEpochs) {
      total = totalEpochs;
      first = firstEpoch + 1;
      every = Math.max(1, Math.ceil((totalEpochs - firstEpoch) / 20));
    },
    epoch(log, last = false) {
      if (last || log.epoch === first || log.epoch === total || (log.epoch - first + 1) % every === 0) {
        stream.write(`epoch ${String(log.epoch).padStart(width(total))}/${total}  ${describeEpoch(log)}\n`);
      }
    },
    stop: () => undefined,
    note(text) {
      stream.write(`${text}\n`);
    },
  };
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: 'epoch {value}/{total} [{bar}] {metrics}  {duration_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    fps: 12,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  let running = false;
  return {
    start(firstEpoch, totalEpochs) {
      bar.start(totalEpochs, firstEpoch, { metrics: '' });
      running = true;
    },
    epoch(log) {
      bar.update(log.epoch, { metrics: describeEpoch(log) });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
    note(text) {
      if (running) {
        stream.write('\n');
      }
      stream.write(`${text}\n`);
    },
  };
}
