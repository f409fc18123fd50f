export { ReferenceEngine, createReferenceEngine, type ReferenceEngineOptions } from './engine.js';
export { ReferenceModel } from './model.js';
export { ACTIVATION_FUNCTIONS, type ActivationFunction, type ActivationTable } from './activations.js';
export { LOSS_FUNCTIONS, type LossFunction } from './losses.js';
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
