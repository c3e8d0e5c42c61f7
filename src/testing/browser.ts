/**
 * `ollama-rx/testing` in a browser (the `browser` export condition): the parts that need no socket
 * and no file system — scripted models and recorded sessions served through the client's `fetch`
 * option, replays in virtual time, marble helpers. The test server and the recorder are Node only.
 * @module ollama-rx/testing
 */
export { scriptedFetch } from './scripted/fetch.js';
export { DEFAULT_TOKENS } from './scripted/answers.js';
export type { ModelFaults, ModelScript, ScriptRequestBody } from './scripted/script.js';
export { simulatedModel, simulatedModels, simulatedToolModel, simulatedAnswer, DEMO_ANSWER, SIMULATED_MODEL } from './simulated.js';
export type { SimulatedPace } from './simulated.js';
export { chunkValues } from './marbles.js';
export { replayFetch } from './har/replayFetch.js';
export { replayChunks } from './har/replayChunks.js';
export type { ReplayChunksOptions } from './har/replayChunks.js';
export type { Har, HarChunk, HarEntry, MatchRule, RecordedEntry, Recording, ReplayOptions, ReplayRequest } from './har/types.js';
