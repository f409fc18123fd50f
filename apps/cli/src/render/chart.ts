import asciichart from 'asciichart';

/** Evenly picks at most `width` values so the chart fits a terminal. */
function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => values[Math.round((i * (values.length - 1)) / (width - 1))] ?? Number.NaN);
}

/** A small terminal chart of the train (blue) and test (yellow) loss per epoch. */
export function lossChart(train: readonly number[], test: readonly number[] | undefined, color: boolean, testLabel = 'test loss'): string {
  const width = 60;
  const series = [downsample(train, width)];
  if (test !== undefined && test.some((v) => Number.isFinite(v))) series.push(downsample(test, width));
  const finite = series.flat().filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const chart = asciichart.plot(series, {
    height: 8,
    ...(color ? { colors: [asciichart.lightblue, asciichart.yellow] } : {}),
    format: (x: number) => x.toPrecision(3).padStart(9),
  });
  const trainKey = color ? `${asciichart.lightblue}── train loss${asciichart.reset}` : '── train loss';
  const testKey = color ? `${asciichart.yellow}── ${testLabel}${asciichart.reset}` : `── ${testLabel}`;
  const legend = series.length > 1 ? `${trainKey}   ${testKey}` : trainKey;
  return `${chart}\n${' '.repeat(11)}${legend}`;
}
