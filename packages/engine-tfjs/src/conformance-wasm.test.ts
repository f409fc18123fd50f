import { runConformanceSuite } from '@twinprop/core/testing';
import { createTfjsEngine } from './engine.js';
import { FLOAT32_FD_KINK_GAP } from './__fixtures__/known-gaps.js';

runConformanceSuite({
  name: 'tfjs/wasm',
  dtypes: ['float32'],
  createEngine: () => createTfjsEngine({ backend: 'wasm' }),
  knownGaps: FLOAT32_FD_KINK_GAP,
});
