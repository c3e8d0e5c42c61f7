/**
 * For your tests: a real loopback server speaking Ollama's protocol, scripted per model or
 * replaying a recorded session; the same scripted models in-process (`scriptedFetch`); a recording
 * proxy; replays without a socket (`replayFetch`) and in virtual time (`replayChunks`); simulated
 * models and marble helpers. The server, the recorder and `loadRecording` of a file are Node only;
 * `scriptedFetch`, `replayFetch` and `replayChunks` run in browsers too.
 * @module ollama-rx/testing
 */
export { startTestServer, DEFAULT_TOKENS } from './server/index.js';
export type { ModelFaults, ModelScript, RecordedRequest, TestServer, TestServerOptions } from './server/index.js';
export type { ScriptRequestBody } from './scripted/script.js';
export { simulatedModel, simulatedModels, simulatedToolModel, simulatedAnswer, DEMO_ANSWER, SIMULATED_MODEL } from './simulated.js';
export type { SimulatedPace } from './simulated.js';
export { chunkValues } from './marbles.js';
export { scriptedFetch } from './scripted/fetch.js';
export { loadRecording } from './har/file.js';
export { startRecorder } from './har/recorder.js';
export type { Recorder, RecorderOptions } from './har/recorder.js';
export { replayFetch } from './har/replayFetch.js';
export { replayChunks } from './har/replayChunks.js';
export type { ReplayChunksOptions } from './har/replayChunks.js';
export type {
  Har,
  HarChunk,
  HarContent,
  HarEntry,
  HarHeader,
  HarRequest,
  HarResponse,
  HarTimings,
  MatchRule,
  RecordedEntry,
  Recording,
  ReplayOptions,
  ReplayRequest,
} from './har/types.js';
