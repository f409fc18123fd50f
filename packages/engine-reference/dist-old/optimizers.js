import { OPTIMIZER_SLOTS, optimizerAtStep, ShapeError, SpecError, } from '@twinprop/core';
import { allocate } from './matrix.js';
/**
 * The optimizers, with update rules written exactly as TensorFlow.js's `tf.train.*` applies them
 * (tfjs-core `sgd_optimizer.ts`, `momentum_optimizer.ts`, `adam_optimizer.ts`), so the two engines
 * can be compared step by step. θ is a parameter, g = ∂L/∂θ, η the learning rate.
 *
 * Each rule has two loops. The float64 loop is the formula. The float32 loop is the same formula
 * in tfjs's float32 arithmetic: tfjs rounds the result of every tensor operation to float32 and
 * turns each JS number it is given (−η, μ, β₁, 1 − β₁, ε, …) into a float32 scalar, so we apply
 * `f = Math.fround` after every operation, in tfjs's order. (Two loops rather than one loop with
 * a rounding function: a call through a variable that is sometimes `Math.fround` and sometimes the
 * identity cannot be inlined, and made float32 Adam three times slower.)
 */
const f = Math.fround;
/** Plain gradient descent (`tf.train.sgd`): θ ← θ + c·g with c = −η. */
function sgdUpdate(config, theta, gradient) {
    if (theta instanceof Float64Array) {
        const c = -config.learningRate;
        for (let i = 0; i < theta.length; i++)
            theta[i] = c * gradient[i] + theta[i];
        return;
    }
    const c = f(-config.learningRate);
    for (let i = 0; i < theta.length; i++)
        theta[i] = f(f(c * gradient[i]) + theta[i]);
}
/**
 * Momentum (`tf.train.momentum`): accumulator a ← μ·a + g, then θ ← θ − η·a, or with Nesterov
 * θ ← θ − η·(g + μ·a) using the new a.
 */
function momentumUpdate(config, theta, gradient, accumulation) {
    const nesterov = config.nesterov;
    if (theta instanceof Float64Array) {
        const c = -config.learningRate;
        const mu = config.momentum;
        for (let i = 0; i < theta.length; i++) {
            const g = gradient[i];
            const a = mu * accumulation[i] + g;
            accumulation[i] = a;
            theta[i] = (nesterov ? c * (g + a * mu) : c * a) + theta[i];
        }
        return;
    }
    const c = f(-config.learningRate);
    const mu = f(config.momentum);
    for (let i = 0; i < theta.length; i++) {
        const g = gradient[i];
        const a = f(f(mu * accumulation[i]) + g);
        accumulation[i] = a;
        theta[i] = f((nesterov ? f(c * f(g + f(a * mu))) : f(c * a)) + theta[i]);
    }
}
/**
 * Adam (`tf.train.adam`), step t = 1, 2, …:
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − η · m̂ / (√v̂ + ε)       (ε added after the square root of the corrected v)
 * β₁ᵗ and β₂ᵗ are tfjs's running products `accBeta1`, `accBeta2` (start at β, multiplied by β after
 * each step), held in the engine's dtype — not recomputed with a power.
 */
function adamUpdate(config, theta, gradient, firstMoment, secondMoment, accBetas) {
    const accBeta1 = accBetas[0];
    const accBeta2 = accBetas[1];
    if (theta instanceof Float64Array) {
        const { beta1, beta2, epsilon } = config;
        const c = -config.learningRate;
        for (let i = 0; i < theta.length; i++) {
            const g = gradient[i];
            const m = firstMoment[i] * beta1 + g * (1 - beta1);
            const v = secondMoment[i] * beta2 + g * g * (1 - beta2);
            firstMoment[i] = m;
            secondMoment[i] = v;
            const mHat = m / (1 - accBeta1);
            const vHat = v / (1 - accBeta2);
            theta[i] = (mHat / (Math.sqrt(vHat) + epsilon)) * c + theta[i];
        }
        return;
    }
    const beta1 = f(config.beta1);
    const beta2 = f(config.beta2);
    const oneMinusBeta1 = f(1 - config.beta1);
    const oneMinusBeta2 = f(1 - config.beta2);
    const oneMinusAccBeta1 = f(1 - accBeta1);
    const oneMinusAccBeta2 = f(1 - accBeta2);
    const epsilon = f(config.epsilon);
    const c = f(-config.learningRate);
    for (let i = 0; i < theta.length; i++) {
        const g = gradient[i];
        const m = f(f(firstMoment[i] * beta1) + f(g * oneMinusBeta1));
        const v = f(f(secondMoment[i] * beta2) + f(f(g * g) * oneMinusBeta2));
        firstMoment[i] = m;
        secondMoment[i] = v;
        const mHat = f(m / oneMinusAccBeta1);
        const vHat = f(v / oneMinusAccBeta2);
        const direction = f(mHat / f(f(Math.sqrt(vHat)) + epsilon));
        theta[i] = f(f(direction * c) + theta[i]);
    }
}
/** The engine's update rules, above. */
export const OPTIMIZER_UPDATES = {
    sgd: (config, theta, gradient) => sgdUpdate(config, theta, gradient),
    momentum: (config, theta, gradient, [accumulation]) => momentumUpdate(config, theta, gradient, accumulation),
    adam: (config, theta, gradient, [firstMoment, secondMoment], accBetas) => adamUpdate(config, theta, gradient, firstMoment, secondMoment, accBetas),
};
/**
 * An optimizer over a fixed list of parameter tensors (kernel, bias of each layer, in order). Its
 * slots are arrays of the same shapes, in the same order, allocated once.
 */
export class Optimizer {
    config;
    dtype;
    sizes;
    updates;
    schedule;
    /** Updates applied so far. */
    step = 0;
    /** Slot name → one array per parameter tensor (`accumulation`, or `firstMoment` and `secondMoment`). */
    slots;
    /**
     * Adam's running products [β₁ᵗ, β₂ᵗ] for the next step t (start at β₁, β₂). Kept in a typed
     * array rather than two number fields so that updating them allocates nothing.
     */
    accBetas = new Float64Array(2);
    /** Per parameter tensor, its slot arrays in `OPTIMIZER_SLOTS` order (what an update rule receives). */
    slotsByParameter;
    constructor(config, dtype, sizes, 
    /** The update rules to apply (the engine's own unless a test swaps one in). */
    updates = OPTIMIZER_UPDATES, 
    /** The learning-rate schedule (core's schedule.ts); none keeps `config.learningRate`. */
    schedule) {
        this.config = config;
        this.dtype = dtype;
        this.sizes = sizes;
        this.updates = updates;
        this.schedule = schedule;
        this.slots = new Map(OPTIMIZER_SLOTS[config.kind].map((name) => [name, sizes.map((n) => allocate(dtype, n))]));
        this.slotsByParameter = sizes.map((_, p) => OPTIMIZER_SLOTS[config.kind].map((name) => this.slot(name)[p]));
        this.resetAccumulatedBetas(0);
    }
    /**
     * Applies one update to every parameter: params[p] ← update(params[p], gradients[p]), at the
     * learning rate core's schedule gives this step (a float64 number; the float32 loops round it
     * once, as tfjs does). Returns that rate.
     */
    apply(params, gradients) {
        const config = optimizerAtStep(this.config, this.schedule, this.step);
        // Each entry takes its own kind's config; indexing by the union kind needs the widening.
        const update = this.updates[config.kind];
        for (let p = 0; p < params.length; p++)
            update(config, params[p], gradients[p], this.slotsByParameter[p], this.accBetas);
        if (config.kind === 'adam') {
            this.accBetas[0] = this.round(this.accBetas[0] * this.round(config.beta1));
            this.accBetas[1] = this.round(this.accBetas[1] * this.round(config.beta2));
        }
        this.step++;
        return config.learningRate;
    }
    /** Step count and copies of the slots, each as arrays in parameter order. */
    getState() {
        const slots = {};
        for (const [name, arrays] of this.slots)
            slots[name] = arrays.map((a) => a.slice());
        return { kind: this.config.kind, step: this.step, slots };
    }
    /** Restores a state taken from {@link getState} (or a core `OptimizerState`'s slots, flattened to arrays in parameter order). */
    setState(kind, step, slots) {
        if (kind !== this.config.kind) {
            throw new SpecError('optimizerState.kind', `state is for ${kind}, the model trains with ${this.config.kind}`);
        }
        if (!Number.isInteger(step) || step < 0)
            throw new SpecError('optimizerState.step', `must be an integer ≥ 0 (got ${step})`);
        for (const name of OPTIMIZER_SLOTS[this.config.kind]) {
            const arrays = slots[name];
            if (arrays === undefined)
                throw new SpecError(`optimizerState.slots.${name}`, `missing; ${kind} needs it`);
            if (arrays.length !== this.sizes.length) {
                throw new ShapeError(`optimizer slot ${name} has ${arrays.length} tensors, the model has ${this.sizes.length}`);
            }
            arrays.forEach((array, p) => {
                if (array.length !== this.sizes[p]) {
                    throw new ShapeError(`optimizer slot ${name}[${p}] has ${array.length} values, expected ${this.sizes[p]}`);
                }
            });
        }
        for (const [name, targets] of this.slots) {
            const arrays = slots[name];
            targets.forEach((target, p) => target.set(arrays[p]));
        }
        this.step = step;
        this.resetAccumulatedBetas(step);
    }
    /**
     * β₁ᵗ, β₂ᵗ for the step after `completed` steps, by the same running product training uses, so a
     * restored optimizer continues bit-identically.
     */
    resetAccumulatedBetas(completed) {
        if (this.config.kind !== 'adam')
            return;
        const beta1 = this.round(this.config.beta1);
        const beta2 = this.round(this.config.beta2);
        let accBeta1 = beta1;
        let accBeta2 = beta2;
        for (let t = 0; t < completed; t++) {
            accBeta1 = this.round(accBeta1 * beta1);
            accBeta2 = this.round(accBeta2 * beta2);
        }
        this.accBetas[0] = accBeta1;
        this.accBetas[1] = accBeta2;
    }
    /** Rounds a scalar to the optimizer's dtype (tfjs keeps accBeta1, accBeta2 as float32 tensors). */
    round(x) {
        return this.dtype === 'float32' ? f(x) : x;
    }
    slot(name) {
        const arrays = this.slots.get(name);
        if (arrays === undefined)
            throw new Error(`optimizer slot ${name} was never allocated`);
        return arrays;
    }
}
//# sourceMappingURL=optimizers.js.map