import { EngineRegistry, type EngineStatus, type ResolvedEngine } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { createTfjsEngineProvider } from '@twinprop/engine-tfjs/provider';
// The wasm backend's binaries, as files of the build (Vite copies them and gives their URLs).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * The page's engines, by registry id, as every twinprop app gets them: the reference engine in
 * float64 (the baseline: what `twinprop train --playground --dtype float64` computes, and the
 * engine the gradient check runs on) and the TensorFlow.js engine on a backend of this browser.
 */
export const REFERENCE_ID = 'reference/float64';
export const TFJS = 'tfjs';

export const engines: EngineRegistry = new EngineRegistry().register(referenceEngineProvider).register(
  createTfjsEngineProvider({
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
  }),
);

/**
 * Whether each tfjs backend loads in this browser, with the reason for each that does not. The
 * WebGPU backend is not part of the tfjs engine's package; it is brought in here first (only where
 * the browser has WebGPU at all), so that `tfjs/webgpu` can load.
 */
export async function tfjsAvailability(): Promise<EngineStatus[]> {
  if ('gpu' in navigator) {
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch {
      // Reported by the availability check below (the backend is then not registered).
    }
  }
  return engines.availability([TFJS]);
}

/** The tfjs engine on `backend`, or on the first backend `auto` finds. */
export function resolveTfjs(backend: string): Promise<ResolvedEngine> {
  return engines.resolve(backend === 'auto' ? TFJS : `${TFJS}/${backend}`);
}
