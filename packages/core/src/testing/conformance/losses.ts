import { expect } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS, type Activation } from '../../activations.js';
import { batchLoss, LOSS_DEFINITIONS, LOSSES, type LossName } from '../../loss.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import { matrix } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, type ConformanceTest, identityWeights, naturalOutput, outputUnits, targetsFor, training, weightsData } from './context.js';

const ROWS = 4;

/** What the mean is over, in words and as a count, for a batch of rows × units. */
function meanOver(loss: LossName, units: number): string {
  return LOSS_DEFINITIONS[loss].averagedOver === 'entries' ? `mean over ${ROWS} rows × ${units} units` : `mean over ${ROWS} rows`;
}

/**
 * One case per loss and output it fits, on several output units: a model whose logits are its
 * inputs (identity kernel, zero bias), so that the expected value is core's `batchLoss` of the
 * inputs. Averaging over rows where core says rows × units (or the reverse) is off by the number
 * of units.
 */
function valueTest(loss: LossName, output: Activation): ConformanceTest {
  const units = outputUnits(output);
  return {
    name: `${loss} on ${units} ${output} units: value matches core's batchLoss (${meanOver(loss, units)})`,
    run: ({ engine, dtype, tolerance }) => {
      const spec = mlp(units, [], [units, output]);
      const model = engine.createModel(spec, identityWeights(spec, dtype), training(loss));
      const rng = new Rng(61);
      const z = matrix(ROWS, units, Array.from({ length: ROWS * units }, () => rng.uniform(-3, 3)), dtype);
      const y = matrix(ROWS, units, targetsFor(LOSS_DEFINITIONS[loss].task, ROWS, units, rng), dtype);
      const expected = batchLoss(loss, output, z.data, y.data, ROWS);
      expectClose([model.loss({ x: z, y })], [expected], tolerance.exact, `${loss}`);
      // Gradient training of an untrainable output (step) is refused; its loss is still defined.
      if (ACTIVATION_DEFINITIONS[output].trainable) {
        expectClose([model.lossAndGradients({ x: z, y }).loss], [expected], tolerance.exact, `${loss} from lossAndGradients`);
      }
      model.dispose();
    },
  };
}

/** Logits of ±1000 on the loss's natural output: the value (core's stable formula) and finite gradients. */
function extremeTest(loss: LossName): ConformanceTest {
  const output = naturalOutput(loss);
  const units = outputUnits(output);
  return {
    name: `${loss} on ${units} ${output} units stays finite for logits of ±1000 (value and gradients)`,
    run: ({ engine, dtype, tolerance }) => {
      const spec = mlp(units, [], [units, output]);
      const model = engine.createModel(spec, identityWeights(spec, dtype), training(loss));
      const z = matrix(ROWS, units, Array.from({ length: ROWS * units }, (_, i) => ((i * 7) % 3 === 0 ? 1000 : -1000)), dtype);
      const y = matrix(ROWS, units, targetsFor(LOSS_DEFINITIONS[loss].task, ROWS, units, new Rng(62)), dtype);
      const expected = batchLoss(loss, output, z.data, y.data, ROWS);
      expect(Number.isFinite(expected), "core's formula is finite here").toBe(true);
      expectClose([model.loss({ x: z, y })], [expected], tolerance.extreme, `${loss} at ±1000`);
      const { loss: value, gradients } = model.lossAndGradients({ x: z, y });
      expectClose([value], [expected], tolerance.extreme, `${loss} at ±1000 from lossAndGradients`);
      for (const g of weightsData(gradients)) expect(Number.isFinite(g), 'every gradient is finite').toBe(true);
      model.dispose();
    },
  };
}

export const lossArea: ConformanceArea = {
  title: 'losses',
  tests: [
    ...LOSSES.flatMap((loss) => ACTIVATIONS.filter((output) => LOSS_DEFINITIONS[loss].fits(output)).map((output) => valueTest(loss, output))),
    ...LOSSES.map(extremeTest),
  ],
};
