import * as t from 'io-ts';
import type { Dispatcher } from 'undici';
import { describeErrors, kindOfValue } from '../core/describe.js';
import { OllamaConfigError } from '../core/errors.js';
import type { FetchFunction, OllamaClientOptions, Timeouts } from '../core/options.js';

/** 32 MiB: far above any model list or embedding batch, far below what would strain a process. */
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

const PositiveNumber = t.refinement(t.number, (n) => n > 0 && !Number.isNaN(n), 'a positive number (ms)');
const PositiveInteger = t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'a positive integer');

/** Like `t.partial`, but an unknown key (a typo such as `idel`) fails instead of being ignored. */
function options<P extends t.Props>(props: P, name: string) {
  const partial = t.partial(props, name);
  return new t.Type<t.TypeOf<typeof partial>, unknown, unknown>(
    name,
    partial.is,
    (input, context) => {
      if (typeof input === 'object' && input !== null) {
        const unknown = Object.keys(input).find((key) => !Object.hasOwn(props, key));
        if (unknown !== undefined) {
          const message = `unknown option "${unknown}" (expected one of ${Object.keys(props).join(', ')})`;
          return t.failure((input as Record<string, unknown>)[unknown], t.appendContext(context, unknown, t.unknown), message);
        }
      }
      return partial.validate(input, context);
    },
    t.identity,
  );
}

/** RFC 9110 `token`: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A CR or LF would split the header into two (request smuggling); NUL and other controls are refused by HTTP too. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Header names and values HTTP can carry. The value never appears in the message: it may be a token.
 */
const HeadersCodec = new t.Type<Record<string, string>, unknown, unknown>(
  'Record<string, string>',
  (input): input is Record<string, string> => t.record(t.string, t.string).is(input),
  (input, context) => {
    // Neither the headers nor a value is quoted, whatever its type: `['Bearer …']` is a token too.
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return t.failure(input, context, `expected an object of header names and string values, got ${kindOfValue(input)}`);
    }
    for (const [name, value] of Object.entries(input)) {
      const at = t.appendContext(context, name, t.string);
      if (!HEADER_NAME.test(name)) return t.failure(name, at, `"${name}" is not a valid header name`);
      if (typeof value !== 'string') return t.failure(value, at, `expected a string, got ${kindOfValue(value)}`);
      if (BAD_HEADER_VALUE.test(value)) {
        return t.failure(value, at, 'a header value cannot hold CR, LF or other control characters');
      }
    }
    return t.success(input as Record<string, string>);
  },
  t.identity,
);

const streamTimeouts = { firstToken: PositiveNumber, idle: PositiveNumber, total: PositiveNumber };
const TimeoutsCodec = options({ connect: PositiveNumber, ...streamTimeouts }, 'Timeouts');

/** A value checked by what it can do, not its class: a fetch or a dispatcher may come from another realm or copy of undici. */
function capable<A>(name: string, is: (value: unknown) => value is A): t.Type<A, unknown, unknown> {
  return new t.Type(name, is, (value, context) => (is(value) ? t.success(value) : t.failure(value, context)), t.identity);
}
const FetchCodec = capable('a fetch-compatible function', (value): value is FetchFunction => typeof value === 'function');
const DispatcherCodec = capable(
  'an undici Dispatcher (Agent, ProxyAgent, EnvHttpProxyAgent, …)',
  (value): value is Dispatcher =>
    typeof (value as Dispatcher | undefined)?.dispatch === 'function' && typeof (value as Dispatcher).request === 'function',
);

const ClientOptionsCodec = options(
  {
    host: t.string,
    model: t.string,
    headers: HeadersCodec,
    timeouts: TimeoutsCodec,
    maxConnections: PositiveInteger,
    maxAnswerBytes: PositiveInteger,
    secretHeaders: t.array(t.string, 'string[]'),
    fetch: FetchCodec,
    dispatcher: DispatcherCodec,
  },
  'OllamaClientOptions',
);

const RequestTimeoutsCodec = t.type({ timeouts: options(streamTimeouts, 'Timeouts') });

/**
 * Per-call timeouts, with errors worded like the constructor's (`timeouts.idle: …`). `connect` is
 * refused here rather than silently ignored: it belongs to the client's pool.
 */
export function validateTimeouts(value: unknown): Timeouts {
  return check(RequestTimeoutsCodec, { timeouts: value }, 'options').timeouts;
}

const RequestHeadersCodec = t.type({ headers: HeadersCodec });

/** Per-call headers, checked like the constructor's before anything is sent. */
export function validateHeaders(value: unknown): Record<string, string> {
  return check(RequestHeadersCodec, { headers: value }, 'options').headers;
}

export function validateClientOptions(value: unknown): OllamaClientOptions {
  if (value === undefined) return {};
  return check(ClientOptionsCodec, value, 'options');
}

function check<A>(codec: t.Type<A, unknown>, value: unknown, field: string): A {
  const result = codec.decode(value);
  if (result._tag === 'Right') return result.right;
  throw new OllamaConfigError(`Invalid ollama-rx ${field}: ${describeErrors(result.left)}`);
}

const NO_MODEL = 'No model given: pass `model` (to the request, the call or the client) or set OLLAMA_MODEL';

/** The first model named, most specific first (request, call, client); none at all is refused before anything is sent. */
export function requireModel(candidates: readonly (string | undefined)[], missing = NO_MODEL): string {
  const model = candidates.find((candidate) => candidate);
  if (!model) throw new OllamaConfigError(missing);
  return model;
}
