import type { DType, Engine } from '@twinprop/core';
import { createReferenceEngine } from '@twinprop/engine-reference';
import { UsageError } from './errors.js';

/** The engines `--engine` chooses from. */
export const ENGINE_NAMES = ['reference', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The TensorFlow.js backends `--backend` chooses from (`auto`: tensorflow, else wasm, else cpu). */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface EngineRequest {
  readonly engine: EngineName;
  /** Only meaningful for tfjs; `undefined` when the user did not ask for one. */
  readonly backend?: BackendChoice | undefined;
  /** `undefined`: the engine's default (float32 on both). */
  readonly dtype?: DType | undefined;
}

export function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value);
}

/**
 * The small factory that turns `--engine`, `--backend` and `--dtype` into an {@link Engine}.
 * TensorFlow.js is loaded only when asked for, so the reference engine starts instantly.
 */
export async function createEngine(request: EngineRequest): Promise<Engine> {
  switch (request.engine) {
    case 'reference': {
      if (request.backend !== undefined && request.backend !== 'auto') {
        throw new UsageError(`--backend ${request.backend} applies to the tfjs engine only; the reference engine runs in plain JavaScript (drop --backend, or add --engine tfjs)`);
      }
      return createReferenceEngine({ dtype: request.dtype ?? 'float32' });
    }
    case 'tfjs': {
      if (request.dtype === 'float64') {
        throw new UsageError('the tfjs engine computes in float32 only; use --dtype float32, or --engine reference for float64');
      }
      silenceTfjsBanner();
      const { createTfjsEngine } = await import('@twinprop/engine-tfjs');
      return createTfjsEngine({ backend: request.backend ?? 'auto' });
    }
  }
}

/**
 * TensorFlow.js's cpu backend greets Node.js users with a multi-line console.warn suggesting
 * tfjs-node. The CLI already says which backend it runs on, so that one message is dropped; every
 * other warning passes through.
 */
function silenceTfjsBanner(): void {
  const original = console.warn.bind(console);
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
    original(...args);
  };
}
