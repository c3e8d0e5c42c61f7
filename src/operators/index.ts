export { toModelResponse } from './toModelResponse.js';
