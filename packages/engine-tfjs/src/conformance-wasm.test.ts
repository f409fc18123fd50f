import { runConformanceSuite } from '@twinprop/core/testing';
import { createTfjsEngine } from './engine.js';

runConformanceSuite({
  name: 'tfjs/wasm',
  dtypes: ['float32'],
  createEngine: () => createTfjsEngine({ backend: 'wasm' }),
});
