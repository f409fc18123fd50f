/**
 * The page: core, the reference engine and the tfjs engine, bundled by Vite. The test calls
 * `window.twinprop.run()` and gets plain JSON back.
 */
import { EngineRegistry, type EngineStatus } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { createTfjsEngineProvider } from '@twinprop/engine-tfjs/provider';
// Vite's asset imports: each .wasm file is emitted with the page, and these are their URLs.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { recordingMath, trainXor, type MathCall, type XorRun } from '../xor.js';

export interface PageResult {
  readonly userAgent: string;
  readonly availability: ReadonlyArray<Pick<EngineStatus, 'id' | 'available'> & { readonly note: string }>;
  /** Every run: the reference engine's on every scenario, each tfjs backend's on `tanh`. */
  readonly runs: readonly XorRun[];
  /** The implementation-approximated Math calls of each reference run but `relu`'s, by `id scenario`. */
  readonly mathCalls: Readonly<Record<string, readonly MathCall[]>>;
}

const engines = new EngineRegistry().register(referenceEngineProvider).register(
  createTfjsEngineProvider({
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    },
  }),
);

async function run(): Promise<PageResult> {
  const statuses = await engines.availability();
  const runs: XorRun[] = [];
  const mathCalls: Record<string, MathCall[]> = {};
  for (const status of statuses) {
    if (!status.available) continue;
    if (status.engine === 'reference') {
      runs.push(await trainXor(engines, status.id, 'relu'));
      for (const scenario of ['tanhMse', 'tanh', 'playground'] as const) {
        const recorded = await recordingMath(() => trainXor(engines, status.id, scenario));
        runs.push(recorded.value);
        mathCalls[`${status.id} ${scenario}`] = recorded.calls;
      }
    } else {
      runs.push(await trainXor(engines, status.id, 'tanh'));
    }
  }
  return {
    userAgent: navigator.userAgent,
    availability: statuses.map((s) => ({ id: s.id, available: s.available, note: s.available ? s.detail : s.reason })),
    runs,
    mathCalls,
  };
}

declare global {
  interface Window {
    twinprop: { run(): Promise<PageResult> };
  }
}

window.twinprop = { run };
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
