import type { Logprob, ModelResponse, StreamChunk } from '../core/chunks.js';
import type { ChatMessage, ToolCall } from '../core/requests.js';
import { TextBuffer } from '../core/textBuffer.js';

/**
 * The chunks of one answer gathered as they arrive — the one accumulator behind `toModelResponse()`
 * (and so `generate()`/`chat()`), `throttleChunks()`' windows, `conversation()` and `runTools$`. Text
 * goes into a `TextBuffer`, not a rope: a fast stream puts thousands of tokens into one answer.
 * Tool calls and log probabilities are pushed one by one, never concatenated per chunk.
 */
export class Answer<T extends StreamChunk = StreamChunk> {
  private readonly content = new TextBuffer();
  private thinkingText = '';
  // Made on the first chunk that carries one: most answers have neither.
  private toolCalls: ToolCall[] | undefined;
  private logprobs: Logprob[] | undefined;
  private latest: T | undefined;
  private count = 0;
  private said = false;

  add(chunk: T): this {
    this.latest = chunk;
    this.count++;
    this.content.add(chunk.text);
    if (chunk.thinking) this.thinkingText += chunk.thinking;
    if (chunk.toolCalls) for (const call of chunk.toolCalls) (this.toolCalls ??= []).push(call);
    if (chunk.logprobs) for (const logprob of chunk.logprobs) (this.logprobs ??= []).push(logprob);
    if (chunk.text || chunk.toolCalls?.length) this.said = true;
    return this;
  }

  /** No chunk since the start (or the last `clear`). */
  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Whether text or a tool call arrived: reasoning alone does not count, the user saw nothing. */
  get saidAnything(): boolean {
    return this.said;
  }

  get text(): string {
    return this.content.text();
  }

  /** The last chunk added: its `done`, `doneReason`, `metrics` and `context` are the answer's. */
  get last(): T | undefined {
    return this.latest;
  }

  /**
   * The chunks as if the server had sent them as one: text and thinking concatenated, tool calls and
   * log probabilities joined, every other field from the latest. A single chunk is returned as it was.
   */
  merged(): T {
    const latest = this.latest!;
    if (this.count === 1) return latest;
    const merged: T = { ...latest, text: this.content.text() };
    if (this.thinkingText) merged.thinking = this.thinkingText;
    if (this.toolCalls) merged.toolCalls = this.toolCalls;
    if (this.logprobs) merged.logprobs = this.logprobs;
    return merged;
  }

  /** The answer as the assistant message that goes into a chat history. */
  message(): ChatMessage {
    const message: ChatMessage = { role: 'assistant', content: this.content.text() };
    if (this.thinkingText) message.thinking = this.thinkingText;
    if (this.toolCalls) message.tool_calls = [...this.toolCalls];
    return message;
  }

  /** The answer as the Python client's result: `success: true`, everything received, the last chunk's fields. */
  response(): ModelResponse {
    const last = this.latest;
    const response: ModelResponse = { text: this.content.text(), success: true, done: last?.done ?? false };
    if (last?.model !== undefined) response.model = last.model;
    if (last?.remoteModel !== undefined) response.remoteModel = last.remoteModel;
    if (last?.remoteHost !== undefined) response.remoteHost = last.remoteHost;
    if (last?.doneReason !== undefined) response.doneReason = last.doneReason;
    if (this.thinkingText) response.thinking = this.thinkingText;
    if (this.toolCalls) response.toolCalls = this.toolCalls;
    if (this.logprobs) response.logprobs = this.logprobs;
    if (last?.metrics) response.metrics = last.metrics;
    if (last?.context) response.context = last.context;
    return response;
  }

  /** Starts the next answer. Arrays handed out by `merged`/`response` are left to their holders. */
  clear(): void {
    this.content.clear();
    this.thinkingText = '';
    this.toolCalls = this.logprobs = undefined;
    this.latest = undefined;
    this.count = 0;
    this.said = false;
  }
}

/** `later` appended to `earlier`, as `Answer.merged` joins them. */
export const mergeChunks = <T extends StreamChunk>(earlier: T, later: T): T => new Answer<T>().add(earlier).add(later).merged();
