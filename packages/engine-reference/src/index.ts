export { ReferenceEngine, createReferenceEngine, type ReferenceEngineOptions } from './engine.js';
export { ReferenceModel } from './model.js';
export { ACTIVATION_FUNCTIONS, type ActivationFunction, type ActivationTable } from './activations.js';
export { LOSS_FUNCTIONS, REGULARIZATION, type LossFunction, type RegularizationFunction } from './losses.js';
export { OPTIMIZER_UPDATES, type OptimizerUpdate, type OptimizerUpdates } from './update-rules.js';
export { trainPerceptron, type PerceptronOptions, type PerceptronReport } from './perceptron.js';
export {
  gradientCheck,
  referenceGradientCheck,
  type GradientCheckOptions,
  type GradientCheckReport,
  type ParameterCheck,
  type ReferenceGradientCheckOptions,
  type TensorCheck,
} from './gradcheck.js';
export { referenceEngineProvider } from './provider.js';
