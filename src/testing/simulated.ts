import type { ToolCall } from '../core/types.js';
import type { ModelScript } from './server/index.js';

export const DEMO_ANSWER =
  'The sky looks blue because of Rayleigh scattering. Sunlight is a mix of every colour, and as it ' +
  'crosses the atmosphere it meets nitrogen and oxygen molecules far smaller than its wavelengths. ' +
  'Those molecules scatter short wavelengths much more strongly than long ones, roughly with the ' +
  'inverse fourth power of the wavelength, so blue light is thrown across the whole sky while red ' +
  'and yellow light mostly travel straight on. Violet is scattered even more, but the Sun emits ' +
  'less of it and our eyes are less sensitive to it, so the sky reads as blue. At sunrise and ' +
  'sunset the light crosses far more air, most of the blue is scattered away before it reaches ' +
  'you, and the reds and oranges are what is left. 🌅';

/** The name the demo's simulated model answers to. */
export const SIMULATED_MODEL = 'simulated-llama';

/** Splits text into word-sized tokens the way a tokenizer roughly would: words keep their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? [];
}

interface Message {
  role?: unknown;
  content?: unknown;
}

/**
 * The simulated model's few scripted answers, tried in order: the first whose pattern matches the
 * question is the answer. A question none matches is echoed back.
 */
const ANSWERS: ReadonlyArray<readonly [RegExp, (question: string, earlier: readonly string[]) => string]> = [
  [
    /\bwhat did i (just )?(ask|say)\b|\bremember\b|\bmy (first|last|previous) question\b/i,
    (_, earlier) =>
      earlier.length
        ? `Before this you asked ${earlier.map((question) => `“${question}”`).join(', then ')}: the whole conversation is sent with each question.`
        : 'This is the first thing you asked me.',
  ],
  [/\bsky\b.*\bblue\b|\bblue\b.*\bsky\b|\brayleigh\b/i, () => DEMO_ANSWER],
  [
    /\bgrass\b|\bleaves\b|\bgreen\b/i,
    () =>
      'Grass is green because of chlorophyll, which absorbs red and blue light for photosynthesis and reflects the green light in between.',
  ],
  [/(-?\d+(?:\.\d+)?)\s*([×x*+\-−/÷])\s*(-?\d+(?:\.\d+)?)/, (question) => arithmetic(question)],
  [/\bprimes?\b/i, () => '2, 3, 5, 7 and 11 are the first five primes.'],
  [
    /\bstory\b/i,
    () =>
      'Once upon a time, a small model lived on a loopback port. Every time someone subscribed, it told its story one token at a time, and when they unsubscribed it stopped at once and went back to sleep. The end.',
  ],
  [/\bhaiku\b|\bpoem\b/i, () => 'Waves fold into foam,\nthe tide writes and then erases:\nthe sea keeps no drafts.'],
  [
    /\brxjs\b|\bobservables?\b/i,
    () =>
      'RxJS is a library for composing asynchronous streams with Observables and operators. An Observable is cold: nothing happens until you subscribe, and unsubscribing cancels the work.',
  ],
  [
    /\bollama\b/i,
    () =>
      'Ollama runs language models on your own machine and serves them over an HTTP API on port 11434, streaming each answer as NDJSON.',
  ],
  [
    /\bquantum\b/i,
    () =>
      'A quantum computer stores information in qubits, which can be in a superposition of 0 and 1. Entanglement links qubits, so some problems can be solved with far fewer steps than on a classical computer.',
  ],
  [/\bweather\b/i, () => 'I am a simulated model and cannot look outside; with a weather tool I could tell you.'],
  [/\b(picture|image|photo)\b/i, () => IMAGE_ANSWER],
  [/\byes or no\b/i, () => 'Yes.'],
  [
    /^\s*(hi|hello|hey)\b|^\s*say (hi|hello)\b/i,
    () => 'Hello! I am a simulated model. Ask me why the sky is blue, for a story or a haiku.',
  ],
];

const IMAGE_ANSWER = 'I see a small blue square on a white background.';

/** The structured answer to a request with a `format`: the question's country, as JSON. */
function jsonAnswer(question: string): string {
  const countries = [
    { name: 'Canada', capital: 'Ottawa', population: 40_100_000, languages: ['English', 'French'] },
    { name: 'France', capital: 'Paris', population: 68_400_000, languages: ['French'] },
    { name: 'Japan', capital: 'Tokyo', population: 124_000_000, languages: ['Japanese'] },
  ];
  const country = countries.find((candidate) => question.toLowerCase().includes(candidate.name.toLowerCase())) ?? countries[0]!;
  return JSON.stringify(country);
}

function arithmetic(question: string): string {
  const [, left, operator, right] = /(-?\d+(?:\.\d+)?)\s*([×x*+\-−/÷])\s*(-?\d+(?:\.\d+)?)/.exec(question)!;
  const a = Number(left);
  const b = Number(right);
  const result = { '×': a * b, x: a * b, '*': a * b, '+': a + b, '-': a - b, '−': a - b, '/': a / b, '÷': a / b }[operator!]!;
  return `${left} ${operator} ${right} = ${Number.isFinite(result) ? Number(result.toFixed(6)) : 'undefined'}.`;
}

/**
 * The simulated model's answer to a request: chosen by the question (the prompt, or the last user
 * message of a chat), from a small deterministic set; a question it has no answer for is echoed.
 * A chat's earlier questions are what "what did I ask?" answers from.
 */
export function simulatedAnswer(body: Record<string, unknown> | undefined): string {
  const messages = Array.isArray(body?.messages) ? (body.messages as Message[]) : undefined;
  const questions = messages
    ? messages.filter((message) => message.role === 'user' && typeof message.content === 'string').map((message) => String(message.content))
    : [typeof body?.prompt === 'string' ? body.prompt : ''];
  const question = questions.at(-1)?.trim() ?? '';
  if (!question) return '';
  if (body?.format !== undefined && body.format !== '') return jsonAnswer(question);
  const images = [body, ...(messages ?? [])].some((part) => Array.isArray((part as { images?: unknown } | undefined)?.images));
  if (images) return IMAGE_ANSWER;
  const earlier = questions.slice(0, -1);
  const match = ANSWERS.find(([pattern]) => pattern.test(question));
  if (match) return match[1](question, earlier);
  return `You asked: “${question}”. I am a simulated model with a few scripted answers, and that is not one of them; set OLLAMA_HOST to ask a real Ollama.`;
}

/** The simulated model's pace: a model-load pause, then a token every `tokenDelayMs`. */
export interface SimulatedPace {
  tokenDelayMs?: number;
  loadDelayMs?: number;
}

/**
 * A scripted model that answers according to the question (see `simulatedAnswer`) at a realistic
 * pace: a model-load pause, then tokens tens of milliseconds apart. The embedded model of
 * `npm run demo`. With `text`, it answers that text to everything.
 */
export function simulatedModel(options: SimulatedPace & { text?: string } = {}): ModelScript {
  const { text } = options;
  return {
    tokens: text === undefined ? (body) => tokenize(simulatedAnswer(body)) : tokenize(text),
    tokenDelayMs: options.tokenDelayMs ?? 35,
    loadDelayMs: options.loadDelayMs ?? 600,
  };
}

interface SimulatedMessage {
  role?: string;
  content?: string;
  tool_name?: string;
}

interface SimulatedTool {
  function?: { name?: string; parameters?: { properties?: Record<string, { type?: string; enum?: unknown[] }> } };
}

/**
 * A scripted model that uses tools the way a real one does, for trying `runTools$` without Ollama.
 * Asked with tools, it calls each of them once, in one round, with arguments taken from the
 * question (capitalised names for strings — the second tool starting at the second name —, the
 * question's numbers for numbers, an enum's first value); asked again with the tools' answers, it answers from those `tool` messages. Without tools
 * it says that it has none.
 */
export function simulatedToolModel(options: { tokenDelayMs?: number; loadDelayMs?: number } = {}): ModelScript {
  return {
    tokens: toolTurn,
    toolCalls: callsFor,

    tokenDelayMs: options.tokenDelayMs ?? 35,
    loadDelayMs: options.loadDelayMs ?? 600,
  };
}

/** The text of a tool-using model's turn: none for a round of calls (as with most real models), else the answer. */
function toolTurn(request: Record<string, unknown> | undefined): string[] {
  return callsFor(request).length ? [] : tokenize(toolModelAnswer(messagesOf(request)));
}

const messagesOf = (request: Record<string, unknown> | undefined): SimulatedMessage[] =>
  Array.isArray(request?.messages) ? (request.messages as SimulatedMessage[]) : [];

/** Every offered tool, once, when the last message is the user's; nothing once the tools have answered. */
function callsFor(request: Record<string, unknown> | undefined): ToolCall[] {
  const messages = messagesOf(request);
  const tools = (Array.isArray(request?.tools) ? request.tools : []) as SimulatedTool[];
  if (messages.at(-1)?.role !== 'user' || !tools.length) return [];
  const question = messages.at(-1)!.content ?? '';
  return tools.map((tool, index) => ({
    id: `call_${index + 1}`,
    function: { index, name: tool.function?.name ?? '', arguments: argumentsFor(tool, question, index) },
  }));
}

function toolModelAnswer(messages: SimulatedMessage[]): string {
  const lastQuestion = messages.findLastIndex((message) => message.role === 'user');
  const answers = messages.slice(lastQuestion + 1).filter((message) => message.role === 'tool');
  if (messages.at(-1)?.role === 'tool') {
    const heard = answers.map((answer) => `${answer.tool_name ?? 'a tool'} says ${answer.content ?? ''}`.trim());
    return `Here is what I found. ${heard.join('; ')}.`;
  }
  // Reached only when no tools were offered: with tools, the first answer is the calls.
  return 'I have no tools to find that out with; I can only say what I already know.';
}

/** The `nth` tool's strings start at the question's `nth` name: "weather in Oslo and time in Lima". */
function argumentsFor(tool: SimulatedTool, question: string, nth: number): Record<string, unknown> {
  const found = properNames(question);
  const names = found.length ? [...found.slice(nth % found.length), ...found.slice(0, nth % found.length)] : [];
  const numbers = (question.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(tool.function?.parameters?.properties ?? {})) {
    if (schema.enum?.length) values[name] = schema.enum[0];
    else if (schema.type === 'number' || schema.type === 'integer') values[name] = numbers.shift() ?? 1;
    else if (schema.type === 'boolean') values[name] = true;
    else if (schema.type === 'array') values[name] = [];
    else if (schema.type === 'object') values[name] = {};
    else values[name] = names.shift() ?? question;
  }
  return values;
}

/** The capitalised words of a question that do not begin a sentence: `Paris`, `Ada Lovelace`, `Rio de Janeiro`. */
function properNames(question: string): string[] {
  const names: string[] = [];
  for (const match of question.matchAll(/\p{Lu}[\p{L}'-]*(?:\s+(?:(?:de|da|del|di|du|la|le|van|von|der)\s+)?\p{Lu}[\p{L}'-]*)*/gu)) {
    const before = question.slice(0, match.index).trimEnd();
    if (before === '' || /[.!?:]$/.test(before)) continue;
    names.push(match[0]);
  }
  return names;
}
/**
 * Every model of `ollama-rx serve --simulated`, by name: the demo's `simulated-llama` and the
 * names the README's examples use (`llama3.2`, `qwen3` with reasoning, `llava`, embedding models,
 * the cloud model `gpt-oss:120b-cloud`), all answering by the question (the chat models call the
 * tools a request offers, as `simulatedToolModel` does); and scripted faults to try error handling
 * on: `flaky` fails mid-answer, `loading` takes 10 s to load (press Ctrl-C meanwhile), `tiny` is the
 * test server's default script.
 */
export function simulatedModels(pace: SimulatedPace = {}): Record<string, ModelScript> {
  const model = simulatedModel(pace);
  // Offered tools, it calls them as simulatedToolModel does; otherwise it answers by the question.
  const chat: ModelScript = {
    ...model,
    tokens: (request) => (Array.isArray(request?.tools) && request.tools.length ? toolTurn(request) : tokenize(simulatedAnswer(request))),
    toolCalls: callsFor,
  };
  const thinking: ModelScript = { ...chat, thinking: tokenize('The user asks a question. I will answer it briefly and plainly.') };
  return {
    [SIMULATED_MODEL]: chat,
    'llama3.2': chat,
    qwen3: thinking,
    llava: model,
    'nomic-embed-text': model,
    embeddinggemma: model,
    // A cloud model served through the local Ollama: its lines name the upstream model and host.
    'gpt-oss:120b-cloud': { ...model, remote: { model: 'gpt-oss:120b', host: 'https://ollama.com:443' } },
    tiny: {},
    flaky: { ...model, loadDelayMs: 0, faults: { errorAfterTokens: 3, errorMessage: 'the simulated GPU ran out of memory' } },
    loading: { ...model, loadDelayMs: 10_000 },
  };
}
