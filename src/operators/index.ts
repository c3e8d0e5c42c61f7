/**
 * Operators for streams of chunks: text, counts, latencies, smooth display, errors as data. Also
 * exported from `ollama-rx`.
 * @module ollama-rx/operators
 */
export { toModelResponse } from './toModelResponse.js';
export { decodeJson } from './decodeJson.js';
export { partialJson, type DeepPartial } from './partialJson.js';
export { collectText } from './collectText.js';
export { scanText } from './scanText.js';
export { throttleChunks } from './throttleChunks.js';
export { countTokens } from './countTokens.js';
export type { CountTokensOptions } from './countTokens.js';
export { firstTokenLatency } from './firstTokenLatency.js';
export { streamTimings } from './streamTimings.js';
export type { StreamTimings } from './streamTimings.js';
export { errorsAsChunks } from './errorsAsChunks.js';
export { typewriter } from './typewriter.js';
export type { TypewriterOptions } from './typewriter.js';
export { retryStream, isRetryable, type RetryStreamOptions } from './retryStream.js';
export { resumable, type ResumeOptions } from './resumable.js';
