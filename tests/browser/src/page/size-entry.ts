/** Everything core and the reference engine export — what the bundle-size figure measures. */
export * from '@twinprop/core';
export * from '@twinprop/engine-reference';
