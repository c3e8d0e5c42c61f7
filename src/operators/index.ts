export { toModelResponse } from './toModelResponse.js';
export { decodeJson } from './decodeJson.js';
export { collectText } from './collectText.js';
export { scanText } from './scanText.js';
export { throttleChunks } from './throttleChunks.js';
export { countTokens } from './countTokens.js';
export type { CountTokensOptions } from './countTokens.js';
export { firstTokenLatency } from './firstTokenLatency.js';
