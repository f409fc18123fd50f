import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { initializeWeights, mlp, optimizer, Rng, type DType, type FloatArray } from '@twinprop/core';
import { ReferenceEngine } from './engine.js';
import { allocate, multiply, multiplyTransposedA, multiplyTransposedB, setHelperThreads } from './matrix.js';
import { DEFAULT_MIN_MULTIPLY_ADDS, disableThreads, enableThreads, StallPolicy, ThreadPoolError, type ThreadOptions, type ThreadPool } from './threads.js';

// The helpers run the built worker (Node.js cannot start a worker from TypeScript sources); it
// computes with the built matrix.js, the same code as matrix.ts here.
const workerUrl = new URL('../dist/threads-worker.js', import.meta.url);

async function startPool(options: ThreadOptions): Promise<ThreadPool> {
  const pool = enableThreads({ workerUrl, ...options });
  await pool.ready();
  return pool;
}

afterEach(async () => {
  await disableThreads();
});

/** What an import or export statement names: `from '…'`, `import '…'`. */
const IMPORT_SPECIFIER = /(?:from|import)\s*['"]([^'"]+)['"]/g;

/** The engine's source modules `entry` loads, following its relative imports: URL → source. */
function moduleGraph(entry: string): Map<string, string> {
  const modules = new Map<string, string>();
  const visit = (url: URL): void => {
    if (modules.has(url.href)) return;
    const source = readFileSync(url, 'utf8');
    modules.set(url.href, source);
    for (const [, target] of source.matchAll(IMPORT_SPECIFIER)) if (target!.startsWith('.')) visit(new URL(target!.replace(/\.js$/, '.ts'), url));
  };
  visit(new URL(`./${entry}`, import.meta.url));
  return modules;
}

function fileName(href: string): string {
  return href.split('/').pop()!;
}

/** `fn` on the calling thread alone (the seam removed), then `pool` installed again. */
function alone<T>(pool: ThreadPool, fn: () => T): T {
  setHelperThreads(undefined);
  try {
    return fn();
  } finally {
    setHelperThreads(pool);
  }
}

/** Uniform in [−1, 1), a fraction `zeros` of it 0 (sparse inputs take the compact row panels). */
function random(rng: Rng, dtype: DType, length: number, zeros = 0): FloatArray {
  const out = allocate(dtype, length);
  for (let i = 0; i < length; i++) out[i] = zeros > 0 && rng.uniform(0, 1) < zeros ? 0 : rng.uniform(-1, 1);
  return out;
}

/** Z = X·W, ∂L/∂W = Xᵀ·∂L/∂Z and ∂L/∂X = ∂L/∂Z·Wᵀ of a layer with `m` rows, `k` inputs, `n` outputs. */
function layerProducts(dtype: DType, m: number, k: number, n: number, zeros = 0): () => FloatArray[] {
  const rng = new Rng(m * 1000 + k * 10 + n);
  const x = random(rng, dtype, m * k, zeros); // [m × k]
  const w = random(rng, dtype, k * n); // [k × n]
  const dz = random(rng, dtype, m * n); // [m × n]
  return () => {
    const z = allocate(dtype, m * n);
    multiply(x, w, z, m, k, n);
    const dw = allocate(dtype, k * n);
    multiplyTransposedA(x, dz, dw, m, k, n);
    const dx = allocate(dtype, m * k);
    multiplyTransposedB(dz, w, dx, m, n, k);
    return [z, dw, dx];
  };
}

/** Runs `products` until a helper has computed at least one chunk of them (the helpers race the calling thread for chunks). */
function withHelpers(pool: ThreadPool, products: () => FloatArray[]): FloatArray[] {
  const before = pool.helperChunks;
  let result = products();
  for (let attempt = 0; attempt < 500 && pool.helperChunks === before; attempt++) result = products();
  expect(pool.helperChunks, 'chunks computed by a helper').toBeGreaterThan(before);
  return result;
}

function countDifferent(actual: readonly FloatArray[], expected: readonly FloatArray[]): number {
  expect(actual.map((a) => [a.constructor, a.length])).toEqual(expected.map((e) => [e.constructor, e.length]));
  let differing = 0;
  actual.forEach((a, i) => {
    for (let q = 0; q < a.length; q++) if (!Object.is(a[q], expected[i]![q])) differing++;
  });
  return differing;
}

describe('helper threads share large products, bit-identical to one thread', () => {
  // Ragged tiles at the edges (odd m, n not a multiple of 5) and a 1-column product.
  const shapes: Array<[number, number, number]> = [
    [64, 784, 128],
    [67, 301, 37],
    [129, 97, 203],
    [301, 400, 1],
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [m, k, n] of shapes) {
      it(`${dtype} ${m}×${k}·${k}×${n}: X·W, Xᵀ·∂L/∂Z and ∂L/∂Z·Wᵀ`, async () => {
        const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
        const products = layerProducts(dtype, m, k, n);
        const single = alone(pool, products);
        expect(countDifferent(withHelpers(pool, products), single)).toBe(0);
      });
    }
    it(`${dtype} 64×784·784×128 with 80% of X zero (compact row panels, uneven chunks)`, async () => {
      const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
      const products = layerProducts(dtype, 64, 784, 128, 0.8);
      const single = alone(pool, products);
      expect(countDifferent(withHelpers(pool, products), single)).toBe(0);
    });
  }

  it('a product of one chunk (one row panel) leaves a thread idle and is the same', async () => {
    const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
    const [m, k, n] = [2, 3000, 90];
    const rng = new Rng(3);
    const x = random(rng, 'float32', m * k);
    const w = random(rng, 'float32', k * n);
    const product = (): FloatArray[] => {
      const z = allocate('float32', m * n);
      multiply(x, w, z, m, k, n);
      return [z];
    };
    const single = alone(pool, product);
    const before = pool.sharedProducts;
    const shared = product();
    expect(pool.sharedProducts).toBe(before + 1);
    expect(countDifferent(shared, single)).toBe(0);
  });

  it('three threads on a product of two chunks: one has nothing to do, the result is the same', async () => {
    const pool = await startPool({ threads: 3, minMultiplyAdds: 0 });
    const products = layerProducts('float64', 4, 3000, 90); // 4 rows: two row panels, two chunks
    const single = alone(pool, products);
    expect(countDifferent(withHelpers(pool, products), single)).toBe(0);
  });

  it('a planted wrong product is noticed (the comparison can fail)', async () => {
    const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
    const products = layerProducts('float32', 64, 300, 40);
    const single = alone(pool, products);
    const shared = withHelpers(pool, products);
    shared[1]![17] = shared[1]![17]! + 1e-3;
    expect(countDifferent(shared, single)).toBe(1);
  });
});

describe('the threshold', () => {
  it(`keeps products below minMultiplyAdds (default ${DEFAULT_MIN_MULTIPLY_ADDS}) on the calling thread and shares those above`, async () => {
    const pool = await startPool({ threads: 2 });
    expect(pool.minMultiplyAdds).toBe(DEFAULT_MIN_MULTIPLY_ADDS);
    const rng = new Rng(1);
    // 64×128·128×10 (81,920 multiply-adds, a 784-128-10 network's second layer): not shared.
    const small = { x: random(rng, 'float32', 64 * 128), w: random(rng, 'float32', 128 * 10), z: allocate('float32', 64 * 10) };
    multiply(small.x, small.w, small.z, 64, 128, 10);
    expect(pool.sharedProducts).toBe(0);
    // 64×784·784×128 (6.4M, its first layer): shared.
    const large = { x: random(rng, 'float32', 64 * 784), w: random(rng, 'float32', 784 * 128), z: allocate('float32', 64 * 128) };
    multiply(large.x, large.w, large.z, 64, 784, 128);
    expect(pool.sharedProducts).toBe(1);
    // Exactly at the threshold: shared; one below: not.
    const t = { x: random(rng, 'float64', 64 * 64), w: random(rng, 'float64', 64 * 64), z: allocate('float64', 64 * 64) };
    const atThreshold = enableThreads({ workerUrl, threads: 2, minMultiplyAdds: 64 * 64 * 64 });
    multiply(t.x, t.w, t.z, 64, 64, 64);
    expect(atThreshold.sharedProducts).toBe(1);
    const above = enableThreads({ workerUrl, threads: 2, minMultiplyAdds: 64 * 64 * 64 + 1 });
    multiply(t.x, t.w, t.z, 64, 64, 64);
    expect(above.sharedProducts).toBe(0);
  });

  it('starts no helper while every product and update is small (a Playground network)', async () => {
    const pool = enableThreads({ workerUrl, threads: 2 });
    const spec = mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']);
    const model = new ReferenceEngine({ dtype: 'float32' }).createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), { loss: 'binaryCrossEntropy', optimizer: optimizer('adam') });
    const rng = new Rng(2);
    const x = { rows: 10, cols: 2, data: Float64Array.from({ length: 20 }, () => rng.uniform(-1, 1)) };
    const y = { rows: 10, cols: 1, data: Float64Array.from({ length: 10 }, () => rng.int(2)) };
    const data = model.prepare({ x, y });
    const order = Int32Array.from({ length: 10 }, (_, i) => i);
    for (let i = 0; i < 200; i++) model.trainStep(data, { order, start: 0, end: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.startedHelpers).toBe(0);
    expect(pool.sharedProducts + pool.sharedUpdates).toBe(0);
    // The first large product starts them.
    const products = layerProducts('float32', 64, 784, 128);
    products();
    await pool.ready();
    expect(pool.startedHelpers).toBe(1);
  });

  it('starts the helpers when a model with a large layer is created, before any product', async () => {
    const pool = enableThreads({ workerUrl, threads: 2 });
    const spec = mlp(784, [[128, 'relu']], [10, 'softmax']);
    const model = new ReferenceEngine({ dtype: 'float32' }).createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), {
      loss: 'softmaxCrossEntropy',
      optimizer: optimizer('sgd'),
    });
    // No product has run: only the model's creation can have started them.
    const deadline = performance.now() + 10_000;
    while (pool.startedHelpers < 1 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pool.startedHelpers).toBe(1);
    expect(pool.sharedProducts + pool.sharedUpdates).toBe(0);
    model.dispose();
  });

  it('keeps core out of the helper threads: their modules import only its types (core would add ~60 ms to a helper start)', () => {
    const modules = moduleGraph('threads-worker.ts');
    expect([...modules.keys()].map(fileName).sort()).toEqual(['matrix.ts', 'threads-protocol.ts', 'threads-worker.ts', 'update-rules.ts']);
    for (const [href, source] of modules) {
      const name = fileName(href);
      for (const m of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        if (!m[2]!.startsWith('.') && !m[2]!.startsWith('node:')) expect({ name, from: m[2], typeOnly: m[1] !== undefined }).toEqual({ name, from: m[2], typeOnly: true });
      }
    }
  });

  it('threads: 1 starts no helper and installs nothing', async () => {
    const pool = enableThreads({ workerUrl, threads: 1, minMultiplyAdds: 0 });
    const products = layerProducts('float32', 64, 300, 40);
    products();
    expect(pool.sharedProducts).toBe(0);
    expect(pool.startedHelpers).toBe(0);
    await pool.close();
  });
});

describe('training with helper threads', () => {
  const rules = [optimizer('adam'), optimizer('sgd', { learningRate: 0.1 }), optimizer('momentum', { nesterov: true })] as const;
  for (const dtype of ['float32', 'float64'] as const) {
    for (const rule of rules) {
    it(`trains a 784-96-10 network to bit-identical weights and losses (${dtype}, ${rule.kind}${rule.kind === 'momentum' ? ' nesterov' : ''}, batch 37)`, async () => {
      const spec = mlp(784, [[96, 'relu']], [10, 'softmax']);
      const train = (): { weights: FloatArray[]; losses: number[] } => {
        const rng = new Rng(4);
        const rows = 37 * 4;
        const x = { rows, cols: 784, data: Float64Array.from({ length: rows * 784 }, () => rng.uniform(0, 1)) };
        const y = { rows, cols: 10, data: new Float64Array(rows * 10) };
        for (let r = 0; r < rows; r++) y.data[r * 10 + rng.int(10)] = 1;
        const model = new ReferenceEngine({ dtype }).createModel(spec, initializeWeights(spec, new Rng(9), dtype), { loss: 'softmaxCrossEntropy', optimizer: rule });
        const data = model.prepare({ x, y });
        const order = rng.permutation(rows);
        const losses: number[] = [];
        for (let step = 0; step < 12; step++) {
          const start = (step % 4) * 37;
          losses.push(model.trainStep(data, { order, start, end: start + 37 }, true)!);
        }
        const weights = model.getWeights().layers.flatMap((l) => [l.kernel.data, l.bias.data]);
        model.dispose();
        return { weights, losses };
      };
      const single = train();
      const pool = await startPool({ threads: 2, minMultiplyAdds: 1 << 16 });
      // Until a helper has taken part in both kinds of work (it races the calling thread for chunks).
      let shared = train();
      for (let attempt = 0; attempt < 50 && (pool.helperChunks === 0 || pool.helperUpdateChunks === 0); attempt++) shared = train();
      expect(pool.sharedProducts).toBeGreaterThan(0);
      // The 784×96 kernel, its gradient and slots are shared arrays, so its updates are split too.
      expect(pool.sharedUpdates).toBeGreaterThan(0);
      expect(pool.helperChunks).toBeGreaterThan(0);
      expect(pool.helperUpdateChunks).toBeGreaterThan(0);
      expect(shared.losses).toEqual(single.losses);
      expect(countDifferent(shared.weights, single.weights)).toBe(0);
    });
    }
  }

  it('keeps tensors below minUpdateLength, and models made before the pool (unshared arrays), on the calling thread', async () => {
    const spec = mlp(784, [[16, 'relu']], [10, 'softmax']);
    const rng = new Rng(6);
    const rows = 20;
    const x = { rows, cols: 784, data: Float64Array.from({ length: rows * 784 }, () => rng.uniform(0, 1)) };
    const y = { rows, cols: 10, data: new Float64Array(rows * 10) };
    for (let r = 0; r < rows; r++) y.data[r * 10 + rng.int(10)] = 1;
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    const engine = new ReferenceEngine({ dtype: 'float32' });
    const make = () => engine.createModel(spec, initializeWeights(spec, new Rng(2), 'float32'), { loss: 'softmaxCrossEntropy', optimizer: optimizer('adam') });
    const before = make();
    // 784×16 = 12,544 elements: below the default 16,384.
    const pool = await startPool({ threads: 2 });
    const small = make();
    for (const model of [before, small]) model.trainStep(model.prepare({ x, y }), { order, start: 0, end: rows });
    expect(pool.sharedUpdates).toBe(0);
    const low = await startPool({ threads: 2, minUpdateLength: 1000 });
    const late = make();
    late.trainStep(late.prepare({ x, y }), { order, start: 0, end: rows });
    expect(low.sharedUpdates).toBe(1);
    before.trainStep(before.prepare({ x, y }), { order, start: 0, end: rows });
    expect(low.sharedUpdates).toBe(1);
  });
});

describe('failures and shutdown', () => {
  for (const fault of ['throw', 'exit'] as const) {
    it(`a helper that ${fault === 'throw' ? 'throws' : 'exits'} makes the product throw, not hang`, async () => {
      const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
      const products = layerProducts('float32', 256, 400, 200);
      pool.plantFault(fault);
      let thrown: unknown;
      for (let attempt = 0; attempt < 500 && thrown === undefined; attempt++) {
        try {
          products();
        } catch (error) {
          thrown = error;
        }
      }
      expect(thrown).toBeInstanceOf(ThreadPoolError);
      expect((thrown as Error).message).toMatch(fault === 'throw' ? /helper thread failed: a planted fault/ : /helper thread exited/);
      // And every product after it, until the pool is closed.
      expect(() => products()).toThrow(ThreadPoolError);
      await disableThreads();
      expect(products()).toHaveLength(3);
    });
  }

  it('the stall policy: one held-up job pauses nothing, two in a row pause 8 jobs, again 16, and short waits shrink the pause', () => {
    const policy = new StallPolicy();
    /** Jobs until the policy shares again. */
    const aloneCount = (): number => {
      let n = 0;
      while (policy.runAlone()) n++;
      return n;
    };
    policy.judge(4, 10); // held up once: noise
    expect(aloneCount()).toBe(0);
    policy.judge(4, 0.5); // a good job in between resets the count
    policy.judge(4, 10);
    expect(aloneCount()).toBe(0);
    expect(policy.pauses).toBe(0);
    policy.judge(4, 10); // two in a row
    expect(policy.pauses).toBe(1);
    expect(aloneCount()).toBe(8);
    policy.judge(4, 10);
    policy.judge(4, 10); // again, right after the pause: twice as long
    expect(aloneCount()).toBe(16);
    for (let i = 0; i < 3; i++) policy.judge(4, 0.5); // waits under a quarter of the work: 16 → 2
    policy.judge(4, 10);
    policy.judge(4, 10);
    expect(aloneCount()).toBe(8); // never shorter than 8
    for (let i = 0; i < 20; i++) policy.judge(4, 10);
    expect(policy.pauses).toBe(13);
    expect(aloneCount()).toBe(256); // never longer than 256
  });

  it('a planted stall in a chunk (a helper descheduled once) delays the job and changes nothing in the result', async () => {
    const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
    const products = layerProducts('float32', 256, 400, 200);
    const single = alone(pool, products);
    pool.plantFault('slow');
    let shared = products();
    for (let attempt = 0; attempt < 500 && pool.waitedMs < 50; attempt++) shared = products();
    expect(pool.waitedMs).toBeGreaterThanOrEqual(50);
    expect(countDifferent(shared, single)).toBe(0);
  });

  it('helpers that stall in consecutive jobs (cores taken) pause sharing; the results stay the same', async () => {
    const pool = await startPool({ threads: 2, minMultiplyAdds: 0 });
    const products = layerProducts('float32', 256, 400, 200);
    const single = alone(pool, products);
    pool.plantFault('stalling');
    let shared = products();
    for (let attempt = 0; attempt < 200 && pool.backoffs === 0; attempt++) shared = products();
    pool.plantFault('none');
    expect(pool.backoffs).toBe(1);
    expect(countDifferent(shared, single)).toBe(0);
    // The next 8 jobs run on the calling thread alone: not shared, and still the same.
    const before = pool.sharedProducts;
    const paused = products();
    expect(pool.sharedProducts).toBe(before);
    expect(countDifferent(paused, single)).toBe(0);
  });

  it('helpers never keep a process alive', () => {
    const threads = fileURLToPath(new URL('../dist/threads.js', import.meta.url));
    const matrix = fileURLToPath(new URL('../dist/matrix.js', import.meta.url));
    const script = `
      const { enableThreads } = await import(${JSON.stringify(threads)});
      const { multiply } = await import(${JSON.stringify(matrix)});
      const pool = enableThreads({ threads: 2, minMultiplyAdds: 0 });
      await pool.ready();
      const a = new Float64Array(200 * 300).fill(1), b = new Float64Array(300 * 100).fill(2), c = new Float64Array(200 * 100);
      for (let i = 0; i < 50; i++) multiply(a, b, c, 200, 300, 100);
      console.log(pool.sharedProducts > 0, c[0]);`;
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    // Shared at least once (not necessarily all 50: on a loaded machine two stalls in a row pause sharing).
    expect(child.stdout.trim()).toBe('true 600');
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('the main entry stays browser-safe', () => {
  it('reaches no node: module from index.ts (threads are on the ./threads subpath only)', () => {
    const modules = moduleGraph('index.ts');
    const seen = [...modules.keys()];
    const nodeImports = [...modules].flatMap(([href, source]) =>
      [...source.matchAll(IMPORT_SPECIFIER)].filter(([, target]) => target!.startsWith('node:')).map(([, target]) => `${fileName(href)} → ${target}`),
    );
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.some((href) => href.endsWith('/threads.ts'))).toBe(false);
    expect(nodeImports).toEqual([]);
  });
});
