export { ReferenceEngine, createReferenceEngine, type ReferenceEngineOptions } from './engine.js';
export { ReferenceModel } from './model.js';
export { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.js';
export { LOSS_FUNCTIONS, type LossFunction } from './losses.js';
