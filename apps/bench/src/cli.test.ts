import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { idList, profileRequest } from './cli.js';
import { isContenderId } from './contenders.js';

describe('command line', () => {
  it('takes --engines as registry ids and raw-tfjs ids', () => {
    const parse = idList(isContenderId, ['…']);
    expect(parse('reference/float32, tfjs/wasm,raw-tfjs/wasm')).toEqual(['reference/float32', 'tfjs/wasm', 'raw-tfjs/wasm']);
    expect(() => parse('reference-float32')).toThrow(InvalidArgumentError);
    expect(() => parse('tfjs/wasm,tfjs-cpu')).toThrow(/unknown "tfjs-cpu"/);
  });

  it('profiles reference/float32 unless told otherwise, and accumulates', () => {
    const first = profileRequest('mnist', undefined);
    expect(first).toEqual([{ workload: 'mnist', engine: 'reference/float32' }]);
    expect(profileRequest('wide:tfjs/cpu', first)).toEqual([
      { workload: 'mnist', engine: 'reference/float32' },
      { workload: 'wide', engine: 'tfjs/cpu' },
    ]);
    expect(() => profileRequest('wide:reference-float32', undefined)).toThrow(/unknown engine/);
    expect(() => profileRequest('tiny', undefined)).toThrow(/unknown workload/);
  });
});
