import { ScriptLines, emptyAnswer, isZeroDuration, nothingToAnswer } from '../scripted/answers.js';
import { failedBeforeHeaders, endedAfter, interruptsTokens, nextScript, stallBefore, writeRaw } from './faults.js';
import { NDJSON, pause, sendJson, write, writeBatched, writeChunkPerLine } from './framing.js';
import { missingModel } from './models.js';
import type { Call, ModelFaults, ModelScript, ServerState } from './types.js';

export const generate = (state: ServerState, call: Call) => answer(state, call, false);
export const chat = (state: ServerState, call: Call) => answer(state, call, true);

/** `/api/generate` and `/api/chat`: the model's script, its faults on the attempts they hit. */
async function answer(state: ServerState, call: Call, chat: boolean): Promise<void> {
  const { res, gone } = call;
  const body = call.record.body ?? {};
  if (missingModel(state, res, body.model)) return;
  const model = String(body.model);
  // With `keep_alive: 0` a request with nothing to answer unloads at once, before any scheduling.
  const loadOnly = nothingToAnswer(body, chat);
  if (loadOnly && isZeroDuration(body.keep_alive)) {
    state.loaded.delete(model);
    return sendJson(res, 200, emptyAnswer(model, chat, 'unload'));
  }
  const script = nextScript(state, model);
  const faults = script.faults ?? {};
  if (!(await pause(script.loadDelayMs, gone))) return;
  if (await failedBeforeHeaders(call, faults)) return;
  state.loaded.add(model);
  state.changed();
  if (loadOnly) return sendJson(res, 200, emptyAnswer(model, chat, 'load'));
  if (faults.raw) return writeRaw(call, faults.raw, faults.rawDelayMs);
  const lines = new ScriptLines(model, chat, script, body);
  if (body.stream === false) {
    // A whole answer takes as long as its tokens would have taken to stream.
    if (!(await pause((script.tokenDelayMs ?? 0) * lines.tokens.length, gone))) return;
    return sendJson(res, 200, lines.whole());
  }
  res.writeHead(200, { 'content-type': NDJSON });
  if (!script.tokenDelayMs && !interruptsTokens(faults)) return writeAll(call, script, lines);
  return writePaced(call, script, faults, lines);
}

/** An answer with no pause and no fault: every line at once, framed as Ollama frames it (or batched). */
async function writeAll({ res }: Call, script: ModelScript, lines: ScriptLines): Promise<void> {
  const all = lines.tokens.map((token) => lines.token(token));
  const sent = script.batchBytes ? await writeBatched(res, all, script.batchBytes) : await writeChunkPerLine(res, all);
  if (sent) res.end(lines.final());
}

/** One write per line, flushed at once, as Ollama does; paced, stalled or cut short as scripted. */
async function writePaced({ res, gone }: Call, script: ModelScript, faults: ModelFaults, lines: ScriptLines): Promise<void> {
  const tokens = lines.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (endedAfter(res, faults, i)) return;
    if (script.tokenDelayMs && !(await pause(script.tokenDelayMs, gone))) return;
    if (!(await stallBefore(i, faults, gone))) return;
    if (!(await write(res, lines.token(tokens[i]!)))) return;
  }
  if (endedAfter(res, faults, tokens.length)) return;
  res.end(lines.final());
}
