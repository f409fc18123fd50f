// A third-party engine package as a user would write one: it exports a provider whose engine is
// the reference engine under another name.
import { ReferenceEngine } from '@twinprop/engine-reference';

export const engineProvider = {
  name: 'mirror',
  description: 'the reference engine under another name (a test fixture)',
  variants: [{ name: 'float64', dtype: 'float64', description: 'Float64Array' }],
  availability: () => Promise.resolve([{ variant: 'float64', available: true, detail: 'always' }]),
  create: () => Promise.resolve(new ReferenceEngine({ dtype: 'float64' })),
};
