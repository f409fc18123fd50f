// Test helper: the recorded Playground runs beside this file (see README.md).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PlaygroundRunFixture {
  readonly name: string;
  readonly summary: string;
  readonly hash: string;
  /** The Playground's own state after reading `hash`, in its names. */
  readonly settings: {
    readonly activation: string;
    readonly regularization: string;
    readonly batchSize: number;
    readonly dataset: string;
    readonly regDataset: string;
    readonly learningRate: number;
    readonly regularizationRate: number;
    readonly noise: number;
    readonly networkShape: number[];
    readonly seed: string;
    readonly showTestData: boolean;
    readonly discretize: boolean;
    readonly percTrainData: number;
    readonly inputs: Record<string, boolean>;
    readonly collectStats: boolean;
    readonly tutorial: string | null;
    readonly problem: string;
    readonly initZero: boolean;
    readonly hideText: boolean;
    readonly hidden: string[];
  };
  readonly features: string[];
  readonly network: { readonly shape: number[]; readonly activation: string; readonly outputActivation: string };
  readonly train: Points;
  readonly test: Points;
  readonly snapshots: Array<{
    readonly epoch: number;
    readonly weights: Array<{ readonly kernel: number[]; readonly bias: number[]; readonly deadLinks: number[] }>;
    readonly trainLoss: number;
    readonly testLoss: number;
  }>;
  readonly lossCurve: { readonly train: number[]; readonly test: number[] };
}

export interface Points {
  readonly x: number[];
  readonly y: number[];
  readonly label: number[];
}

const directory = fileURLToPath(new URL('./', import.meta.url));

/** Every recorded run, by file name order. */
export function playgroundRunFixtures(): PlaygroundRunFixture[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(directory + file, 'utf8')) as PlaygroundRunFixture);
}
