/**
 * For your tests: a real loopback server speaking Ollama's protocol (Node), the same scripted models in-process (`scriptedFetch`, browsers too),
 * and marble helpers.
 * @module ollama-rx/testing
 */
export { startTestServer, DEFAULT_TOKENS } from './server/index.js';
export type { ModelFaults, ModelScript, RecordedRequest, TestServer, TestServerOptions } from './server/index.js';
export { simulatedModel, simulatedModels, simulatedToolModel, simulatedAnswer, DEMO_ANSWER, SIMULATED_MODEL } from './simulated.js';
export type { SimulatedPace } from './simulated.js';
export { chunkValues } from './marbles.js';
export { scriptedFetch } from './scripted/fetch.js';
