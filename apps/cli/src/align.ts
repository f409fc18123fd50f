import { applyInputFeatures, arrayFor, classesOf, ShapeError, type Dataset, type Matrix, type ModelFile, type Task } from '@twinprop/core';

/**
 * Matching data to a saved model by name, never by position: features by the names the model
 * stores, classes by their labels. A column order or a class order that differs from training is
 * followed; a missing, extra, duplicated or unknown name is refused with the names, because
 * guessing would give a confident wrong answer.
 */

const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/** The duplicated names in `names`. */
function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const n of names) (seen.has(n) ? twice : seen).add(n);
  return [...twice];
}

/**
 * For each of the model's features, the index of the column of that name in `columns`. ShapeError
 * naming what is missing, duplicated or (with `extraAllowed` false) left over.
 */
export function featureColumnsByName(
  modelNames: readonly string[],
  columns: readonly string[],
  where: string,
  extraAllowed: boolean,
): number[] {
  const twice = duplicates(columns).filter((n) => modelNames.includes(n));
  if (twice.length > 0) throw new ShapeError(`${where}: the column${twice.length === 1 ? '' : 's'} ${quoted(twice)} appear${twice.length === 1 ? 's' : ''} more than once; which one is the feature is ambiguous`);
  const missing = modelNames.filter((n) => !columns.includes(n));
  const extra = columns.filter((n) => !modelNames.includes(n));
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`lacks the model's feature${missing.length === 1 ? '' : 's'} ${quoted(missing)}`);
  if (!extraAllowed && extra.length > 0) problems.push(`has feature${extra.length === 1 ? '' : 's'} the model was not trained on: ${quoted(extra)}`);
  if (problems.length > 0) {
    throw new ShapeError(`${where} ${problems.join(', and ')} (the model's features: ${quoted(modelNames)}; matched by name, never by position)`);
  }
  return modelNames.map((n) => columns.indexOf(n));
}

/** The class names a classification dataset's rows refer to (index → name). */
function dataClassNames(data: Dataset): string[] {
  const k = data.y.cols === 1 ? 2 : data.y.cols;
  return data.classNames !== undefined && data.classNames.length === k ? [...data.classNames] : Array.from({ length: k }, (_, i) => String(i));
}

/**
 * The columns a model reads from data, by name and count: for a model on derived input features
 * (the Playground's X₁², sin X₁, …) the two raw columns they are computed from; else its features.
 */
export function modelColumns(file: ModelFile): { readonly names: readonly string[] | undefined; readonly count: number } {
  const derived = file.metadata.inputFeatures;
  if (derived !== undefined) return { names: derived.from, count: derived.from.length };
  return { names: file.metadata.featureNames, count: file.spec.inputSize };
}

/** The model's inputs from rows of its {@link modelColumns}: derived features computed where it has them. */
export function modelInputsFrom(file: ModelFile, columns: Matrix): Matrix {
  const derived = file.metadata.inputFeatures;
  return derived === undefined ? columns : applyInputFeatures(derived.features, columns, columns.data instanceof Float32Array ? 'float32' : 'float64');
}

/**
 * `data` with its feature columns in the model's order and its targets in the model's class
 * numbering and layout (one 0/1 column for a single sigmoid unit, else one-hot over the model's
 * classes). Without stored feature names the columns are taken in order, and only their count is
 * checked.
 */
export function alignToModel(data: Dataset, file: ModelFile, task: Task, modelClassNames: readonly string[] | undefined, where: string): Dataset {
  const { names: modelFeatures, count: inputs } = modelColumns(file);
  let x = data.x;
  if (modelFeatures !== undefined && modelFeatures.length === inputs && data.featureNames !== undefined) {
    const order = featureColumnsByName(modelFeatures, data.featureNames, where, false);
    if (order.some((c, i) => c !== i) || data.x.cols !== inputs) {
      const out = arrayFor(data.x.data instanceof Float32Array ? 'float32' : 'float64', data.x.rows * inputs);
      for (let r = 0; r < data.x.rows; r++) {
        for (let i = 0; i < inputs; i++) out[r * inputs + i] = data.x.data[r * data.x.cols + (order[i] ?? 0)] ?? 0;
      }
      x = { rows: data.x.rows, cols: inputs, data: out };
    }
  } else if (data.x.cols !== inputs) {
    throw new ShapeError(`${where} has ${data.x.cols} feature columns, the model expects ${inputs}`);
  }

  x = modelInputsFrom(file, x);
  if (task === 'regression') {
    if (data.task !== 'regression') throw new ShapeError(`${where} holds classes, but the model predicts real values (regression)`);
    return { ...data, x };
  }
  if (data.task === 'regression') throw new ShapeError(`${where} holds real-valued targets, but the model predicts classes`);
  const names = modelClassNames ?? [];
  const fromData = dataClassNames(data);
  const unknown = fromData.filter((n) => !names.includes(n));
  const present = new Set(Array.from(classesOf(data.y)));
  const unknownPresent = unknown.filter((n) => present.has(fromData.indexOf(n)));
  if (unknownPresent.length > 0) {
    throw new ShapeError(
      `${where} has class${unknownPresent.length === 1 ? '' : 'es'} the model does not know: ${quoted(unknownPresent)} (the model's classes: ${quoted(names)}; matched by label)`,
    );
  }
  const toModel = fromData.map((n) => names.indexOf(n));
  const dataClass = classesOf(data.y);
  const units = file.spec.output.units;
  const cols = units === 1 ? 1 : units;
  const y = arrayFor(data.y.data instanceof Float32Array ? 'float32' : 'float64', data.y.rows * cols);
  // One unit: class 1 is y = 1; class 0 is 0, or −1 for a model trained on signed (±1) targets.
  const negative = file.training.targets === 'signed' ? -1 : 0;
  for (let r = 0; r < data.y.rows; r++) {
    const k = toModel[dataClass[r] ?? 0] ?? 0;
    if (cols === 1) y[r] = k === 1 ? 1 : negative;
    else y[r * cols + k] = 1;
  }
  return {
    ...data,
    x,
    y: { rows: data.y.rows, cols, data: y },
    task: cols === 1 ? 'binary' : 'multiclass',
    classNames: names,
    featureNames: file.metadata.featureNames ?? modelFeatures ?? data.featureNames,
  };
}

/** The label column to evaluate against when `--label` is not given: the one column that is not a feature, else the stored label, else the last. */
export function labelColumnFor(header: readonly string[], modelFeatures: readonly string[] | undefined, storedLabel: string | undefined): number {
  if (modelFeatures !== undefined) {
    const others = header.map((h, i) => [h, i] as const).filter(([h]) => !modelFeatures.includes(h));
    if (others.length === 1) return others[0]?.[1] ?? header.length - 1;
  }
  if (storedLabel !== undefined && header.includes(storedLabel)) return header.indexOf(storedLabel);
  return header.length - 1;
}
