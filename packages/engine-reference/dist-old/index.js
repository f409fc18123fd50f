export { ReferenceEngine, createReferenceEngine } from './engine.js';
export { ReferenceModel } from './model.js';
export { ACTIVATION_FUNCTIONS } from './activations.js';
export { LOSS_FUNCTIONS, REGULARIZATION } from './losses.js';
export { OPTIMIZER_UPDATES } from './optimizers.js';
export { trainPerceptron } from './perceptron.js';
export { gradientCheck, referenceGradientCheck, } from './gradcheck.js';
export { referenceEngineProvider } from './provider.js';
//# sourceMappingURL=index.js.map