declare module 'asciichart' {
  interface PlotConfig {
    /** Rows of the chart (its height in lines). */
    height?: number;
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    colors?: string[];
    format?: (value: number, index: number) => string;
  }
  interface AsciiChart {
    plot(series: number[] | number[][], config?: PlotConfig): string;
    readonly blue: string;
    readonly yellow: string;
    readonly lightblue: string;
    readonly lightred: string;
    readonly reset: string;
  }
  const asciichart: AsciiChart;
  export = asciichart;
}
