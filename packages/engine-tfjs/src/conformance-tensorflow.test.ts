import { runConformanceSuite } from '@twinprop/core/testing';
import { describe } from 'vitest';
import { availableBackends } from './backend.js';
import { createTfjsEngine } from './engine.js';

const [native] = await availableBackends(['tensorflow']);
const skipReason = native === undefined || native.available ? undefined : native.reason;
if (skipReason !== undefined) {
  console.warn(`[conformance tfjs/tensorflow] skipped: ${skipReason}`);
}

describe.skipIf(skipReason !== undefined)('tfjs on the tensorflow (tfjs-node) backend', () => {
  runConformanceSuite({
    name: 'tfjs/tensorflow',
    dtypes: ['float32'],
    createEngine: () => createTfjsEngine({ backend: 'tensorflow' }),
  });
});
