import { runConformanceSuite } from '@twinprop/core/testing';
import { createTfjsEngine } from './engine.js';

runConformanceSuite({
  name: 'tfjs/cpu',
  dtypes: ['float32'],
  createEngine: () => createTfjsEngine({ backend: 'cpu' }),
});
