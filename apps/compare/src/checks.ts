/**
 * A check of the run that is not an engine-vs-engine comparison: a probe of one engine against
 * values computed independently (probes.ts), or an oracle for the code both engines share
 * (oracles.ts). Each reports its worst measured value and the bound it was held to, so the report
 * can print the headroom (bound / worst).
 */
export interface RunCheck {
  /** What was checked, e.g. `saturated logits: sigmoid BCE` or `shuffle: position uniformity (χ²)`. */
  readonly name: string;
  /** The family it belongs to (what the mutation report names as the catching check). */
  readonly group: CheckGroup;
  /** The engine probed; absent for checks of shared code. */
  readonly engine?: string;
  /** The worst value measured (an error, a χ² statistic, a count — as `bound` is). */
  readonly worst: number;
  readonly bound: number;
  readonly passed: boolean;
  /** One line per failure (empty when passed). */
  readonly failures: readonly string[];
}

export const CHECK_GROUPS = [
  'formulas',
  'optimizer formulas',
  'state restore',
  'state restore across engines',
  'immutability',
  'isolation',
  'shuffle',
  'split',
  'batching',
  'loss definitions',
  'activation definitions',
  'exported forward',
] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** Collects the failures of one check: `expect(ok, message)` records a failure when `ok` is false. */
export class CheckBuilder {
  private worstValue = 0;
  private readonly failureLines: string[] = [];

  constructor(
    readonly name: string,
    readonly group: CheckGroup,
    readonly bound: number,
    readonly engine?: string,
  ) {}

  /** Records a measured value against the bound (NaN or above the bound fails). */
  measure(value: number, what: string): void {
    if (!(value <= this.worstValue)) this.worstValue = Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
    if (!(value <= this.bound)) this.failureLines.push(`${what}: ${formatValue(value)} > ${formatValue(this.bound)}`);
  }

  /** Records a yes/no property (counts as 0 when it holds, ∞ when not). */
  expect(ok: boolean, what: string): void {
    if (!ok) {
      this.worstValue = Number.POSITIVE_INFINITY;
      this.failureLines.push(what);
    }
  }

  /** Runs `body`; an exception is a failure of this check. */
  run(body: (check: CheckBuilder) => void): RunCheck {
    try {
      body(this);
    } catch (error) {
      this.expect(false, `threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.result();
  }

  result(): RunCheck {
    return {
      name: this.name,
      group: this.group,
      ...(this.engine === undefined ? {} : { engine: this.engine }),
      worst: this.worstValue,
      bound: this.bound,
      passed: this.failureLines.length === 0,
      failures: this.failureLines.slice(0, 5),
    };
  }
}

function formatValue(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toExponential(2);
}
