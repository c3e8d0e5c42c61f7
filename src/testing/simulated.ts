import type { ToolCall } from '../types.js';
import type { ModelScript } from './server.js';

export const DEMO_ANSWER =
  'The sky looks blue because of Rayleigh scattering. Sunlight is a mix of every colour, and as it ' +
  'crosses the atmosphere it meets nitrogen and oxygen molecules far smaller than its wavelengths. ' +
  'Those molecules scatter short wavelengths much more strongly than long ones, roughly with the ' +
  'inverse fourth power of the wavelength, so blue light is thrown across the whole sky while red ' +
  'and yellow light mostly travel straight on. Violet is scattered even more, but the Sun emits ' +
  'less of it and our eyes are less sensitive to it, so the sky reads as blue. At sunrise and ' +
  'sunset the light crosses far more air, most of the blue is scattered away before it reaches ' +
  'you, and the reds and oranges are what is left. 🌅';

/** Splits text into word-sized tokens the way a tokenizer roughly would: words keep their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? [];
}

/**
 * A scripted model that writes plausible text at a realistic pace: a model-load pause, then tokens
 * tens of milliseconds apart. The embedded model of `npm run demo`.
 */
export function simulatedModel(options: { text?: string; tokenDelayMs?: number; loadDelayMs?: number } = {}): ModelScript {
  return {
    tokens: tokenize(options.text ?? DEMO_ANSWER),
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
    // A round of calls has no text, as with most real models.
    tokens: (request) => (callsFor(request).length ? [] : tokenize(toolModelAnswer(messagesOf(request)))),
    toolCalls: callsFor,

    tokenDelayMs: options.tokenDelayMs ?? 35,
    loadDelayMs: options.loadDelayMs ?? 600,
  };
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
