import { runConformanceSuite } from '@twinprop/core/testing';
import { ReferenceEngine } from './engine.js';

runConformanceSuite({
  name: 'reference',
  dtypes: ['float32', 'float64'],
  createEngine: (dtype) => new ReferenceEngine({ dtype }),
});
