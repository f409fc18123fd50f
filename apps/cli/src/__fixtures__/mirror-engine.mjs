/**
 * A third-party engine for the `--engine-module` tests: the reference engine under another name,
 * `mirror`, with two float32 variants, `one` and `two`. Its models report engine `mirror` and their
 * variant as the backend, as an engine package of its own would. Plain JavaScript, so that it loads
 * without a build, as a user's module would.
 */
import { referenceEngineProvider } from '@twinprop/engine-reference';

const VARIANTS = ['one', 'two'];

/** `target` with some properties answered differently (methods still run on `target` itself). */
function relabel(target, answers) {
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(answers, key)) return answers[key];
      const value = Reflect.get(object, key, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

export const mirrorEngineProvider = {
  name: 'mirror',
  description: 'the reference engine under another name (a test fixture)',
  variants: VARIANTS.map((name) => ({ name, dtype: 'float32', description: `mirror, variant ${name}` })),
  availability: () => Promise.resolve(VARIANTS.map((variant) => ({ variant, available: true, detail: 'plain JavaScript' }))),
  async create({ variant }) {
    if (!VARIANTS.includes(variant)) throw new TypeError(`mirror engine: unknown variant ${JSON.stringify(variant)}`);
    const inner = await referenceEngineProvider.create({ variant: 'float32' });
    return {
      name: 'mirror',
      backend: variant,
      dtype: inner.dtype,
      createModel: (spec, weights, training) => relabel(inner.createModel(spec, weights, training), { engine: 'mirror', backend: variant }),
    };
  },
};
