import type { ModelScript, ToolCall } from './script.js';

export const DEFAULT_TOKENS = ['Hello', '!', ' I', ' am', ' a', ' test', ' model', '.'];

export const NS_PER_MS = 1e6;

/** The NDJSON lines of one scripted answer, in Ollama's exact shapes and key order (api/types.go). */
export class ScriptLines {
  readonly tokens: readonly string[];
  private readonly createdAt = new Date().toISOString();
  private readonly prefix: string;
  private readonly thinkingCount: number;
  /** `top_logprobs` when the request set `logprobs`: each token line then carries its log probability. */
  private readonly topLogprobs: number | undefined;
  private readonly toolCalls: readonly ToolCall[];
  private sent = 0;
  private readonly answerLines = new Map<string, string>();
  private readonly thinkingLines = new Map<string, string>();

  constructor(
    private readonly model: string,
    private readonly chat: boolean,
    private readonly script: ModelScript,
    body: Record<string, unknown>,
  ) {
    const answer = typeof script.tokens === 'function' ? script.tokens(body) : (script.tokens ?? DEFAULT_TOKENS);
    this.toolCalls = typeof script.toolCalls === 'function' ? script.toolCalls(body) : (script.toolCalls ?? []);
    const said = alreadySaid(body, answer.join(''));
    // A continuation goes on from the text already said, as a real model does; its reasoning is over.
    const thinking = said === undefined ? (script.thinking ?? []) : [];
    this.thinkingCount = thinking.length;
    this.tokens = [...thinking, ...(said === undefined ? answer : remainder(answer, said))];
    this.topLogprobs = body.logprobs === true ? Math.max(0, Number(body.top_logprobs) || 0) : undefined;
    this.prefix = JSON.stringify(this.identity()).slice(0, -1) + ',';
  }

  token(token: string): string {
    const index = this.sent++;
    const thinking = index < this.thinkingCount;
    if (this.topLogprobs !== undefined) return this.render(token, thinking, index);
    // Without log probabilities a line depends on its token alone, and an answer repeats its tokens:
    // rendering each once keeps a 100k-token answer from costing the server more than its reader.
    const rendered = thinking ? this.thinkingLines : this.answerLines;
    let line = rendered.get(token);
    if (line === undefined) rendered.set(token, (line = this.render(token, thinking, index)));
    return line;
  }

  private render(token: string, thinking: boolean, index: number): string {
    const text = JSON.stringify(token);
    const end = this.topLogprobs === undefined ? '}\n' : `,"logprobs":${JSON.stringify([this.logprob(token, index)])}}\n`;
    if (this.chat) {
      const message = thinking ? `{"role":"assistant","content":"","thinking":${text}}` : `{"role":"assistant","content":${text}}`;
      return `${this.prefix}"message":${message},"done":false${end}`;
    }
    return thinking
      ? `${this.prefix}"response":"","thinking":${text},"done":false${end}`
      : `${this.prefix}"response":${text},"done":false${end}`;
  }

  final(): string {
    return JSON.stringify(this.last({ text: '', thinking: '' })) + '\n';
  }

  /** The `stream: false` answer: everything in one object, log probabilities of every token included. */
  whole(): Record<string, unknown> {
    const logprobs = this.topLogprobs === undefined ? [] : this.tokens.map((token, i) => this.logprob(token, i));
    return this.last({
      text: this.tokens.slice(this.thinkingCount).join(''),
      thinking: this.tokens.slice(0, this.thinkingCount).join(''),
      logprobs,
    });
  }

  /** `model`, the remote fields of a cloud model, `created_at`: the head of every line. */
  private identity(): Record<string, unknown> {
    const head: Record<string, unknown> = { model: this.model };
    if (this.script.remote) Object.assign(head, { remote_model: this.script.remote.model, remote_host: this.script.remote.host });
    head.created_at = this.createdAt;
    return head;
  }

  /** The last line, fields in the order of Ollama's GenerateResponse / ChatResponse structs, omitempty ones left out. */
  private last(answer: { text: string; thinking: string; logprobs?: object[] }): Record<string, unknown> {
    const line = this.identity();
    const toolCalls = this.toolCalls.length ? this.toolCalls : undefined;
    const logprobs = answer.logprobs?.length ? answer.logprobs : undefined;
    const doneReason = this.script.doneReason ?? 'stop';
    if (this.chat) {
      const message: Record<string, unknown> = { role: 'assistant', content: answer.text };
      if (answer.thinking) message.thinking = answer.thinking;
      if (toolCalls) message.tool_calls = toolCalls;
      Object.assign(line, { message, done: true, done_reason: doneReason });
      if (logprobs) line.logprobs = logprobs;
      return Object.assign(line, this.metrics());
    }
    line.response = answer.text;
    if (answer.thinking) line.thinking = answer.thinking;
    Object.assign(line, { done: true, done_reason: doneReason, context: this.script.context ?? [1, 2, 3] }, this.metrics());
    if (toolCalls) line.tool_calls = toolCalls;
    if (logprobs) line.logprobs = logprobs;
    return line;
  }

  /**
   * A deterministic log probability for the token at `index`, with `topLogprobs` candidates led by
   * the token itself, as Ollama's `toAPILogprobs` shapes them (`bytes` left out for an empty token).
   */
  private logprob(token: string, index: number): object {
    const logprob = -((index % 7) + 1) / 8;
    const entry = tokenLogprob(token, logprob);
    if (!this.topLogprobs) return entry;
    const top = [entry];
    for (let k = 1; k < this.topLogprobs; k++) top.push(tokenLogprob(`${token}~${k}`, logprob - k));
    return { ...entry, top_logprobs: top };
  }

  /** Scripted pace when there is one (so tokens/s agree with what a client measures), else fixed figures. */
  private metrics() {
    const evalCount = this.tokens.length;
    const loadNs = (this.script.loadDelayMs || 1_000) * NS_PER_MS;
    const evalNs = evalCount * (this.script.tokenDelayMs || 20) * NS_PER_MS;
    const promptNs = 250 * NS_PER_MS;
    return {
      total_duration: loadNs + promptNs + evalNs,
      load_duration: loadNs,
      prompt_eval_count: 12,
      prompt_eval_duration: promptNs,
      eval_count: evalCount,
      eval_duration: evalNs,
    };
  }
}

/**
 * The part of `answer` the request says was already written, when it asks for a continuation: chat's
 * trailing assistant message, or a raw prompt that ends with the start of the answer (how `resumable`
 * continues a generate stream). Undefined when the request is not a continuation of this answer.
 */
function alreadySaid(body: Record<string, unknown>, answer: string): string | undefined {
  if (Array.isArray(body.messages)) {
    const last = body.messages.at(-1) as { role?: unknown; content?: unknown } | undefined;
    if (last?.role !== 'assistant' || typeof last.content !== 'string' || !last.content) return undefined;
    return answer.startsWith(last.content) ? last.content : undefined;
  }
  if (body.raw !== true || typeof body.prompt !== 'string') return undefined;
  const prompt = body.prompt;
  for (let length = Math.min(prompt.length, answer.length); length > 0; length--) {
    if (prompt.endsWith(answer.slice(0, length))) return answer.slice(0, length);
  }
  return undefined;
}

/** The tokens of `answer` after its first `said.length` characters; a token cut in two keeps its tail. */
function remainder(answer: readonly string[], said: string): string[] {
  let offset = 0;
  for (let i = 0; i < answer.length; i++) {
    const token = answer[i]!;
    if (offset + token.length > said.length) return [token.slice(said.length - offset), ...answer.slice(i + 1)];
    offset += token.length;
  }
  return [];
}

const utf8 = new TextEncoder();

function tokenLogprob(token: string, logprob: number): { token: string; logprob: number; bytes?: number[] } {
  return token ? { token, logprob, bytes: Array.from(utf8.encode(token)) } : { token, logprob };
}

/** Ollama's way to load or unload a model: a request with nothing to answer (an empty prompt, no messages). */
export function nothingToAnswer(body: Record<string, unknown>, chat: boolean): boolean {
  return chat ? !Array.isArray(body.messages) || body.messages.length === 0 : !body.prompt;
}

/** Ollama's one JSON answer (whatever `stream` says) to a load or unload request. */
export function emptyAnswer(model: string, chat: boolean, doneReason: 'load' | 'unload') {
  const created_at = new Date().toISOString();
  return chat
    ? { model, created_at, message: { role: 'assistant', content: '' }, done: true, done_reason: doneReason }
    : { model, created_at, response: '', done: true, done_reason: doneReason };
}

/**
 * Whether a `keep_alive` is zero as Ollama reads it: a number of seconds, or a Go duration string
 * (`"0"`, `"0s"`, `"0m0s"`).
 */
export function isZeroDuration(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0 && value * 1e9 < 1;
  if (typeof value !== 'string') return false;
  if (/^[+-]?0$/.test(value)) return true;
  const parts = /^[+-]?((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(value) ? value.match(/\d*\.?\d+|\d+\./g) : null;
  return parts !== null && parts.every((part) => Number(part) === 0);
}
