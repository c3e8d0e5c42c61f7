export { toModelResponse } from './toModelResponse.js';
export { decodeJson } from './decodeJson.js';
export { collectText } from './collectText.js';
