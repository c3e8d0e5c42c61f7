import * as t from 'io-ts';
import type { Dispatcher } from 'undici';
import { describeErrors } from '../protocol/report.js';
import type { FetchFunction } from '../http/transport.js';

export const DEFAULT_HOST = 'http://127.0.0.1:11434';
const DEFAULT_PORT = '11434';

/** Per-phase limits in milliseconds. An absent phase has no limit. */
export interface Timeouts {
  /** Establishing the TCP/TLS connection. Client-wide: its pool opens the connections, not a call. */
  connect?: number;
  /** From sending the request to the first chunk: covers model load, when Ollama sends no header. */
  firstToken?: number;
  /** The longest gap between two chunks. */
  idle?: number;
  /** The whole request, start to last chunk. */
  total?: number;
}

export interface OllamaClientOptions {
  /** Ollama's base URL, read like `OLLAMA_HOST`. Default: `OLLAMA_HOST`, else `http://127.0.0.1:11434`. */
  host?: string;
  /** Model used when a request names none. Default: `OLLAMA_MODEL`. */
  model?: string;
  /** Sent with every request, e.g. `{ Authorization: 'Bearer …' }` for ollama.com or a proxy. */
  headers?: Record<string, string>;
  timeouts?: Timeouts;
  /** Most sockets the client's pool opens to the host. Default: unlimited. */
  maxConnections?: number;
  /**
   * Largest one-document answer (`list()`, `show()`, `embed()`…) read, in bytes: a bigger one fails
   * as `protocol` instead of filling memory. Default 32 MiB. Streamed lines have their own 16 MiB cap.
   */
  maxAnswerBytes?: number;
  /**
   * Names of headers whose values are secrets (e.g. `['X-Api-Key']`): wherever a server echoes one,
   * errors show `***`. `Authorization` and `Proxy-Authorization` always are.
   */
  secretHeaders?: string[];
  /**
   * A fetch-compatible function used for every request instead of the platform's transport: for
   * tests, instrumentation, Deno or Bun. (`maxConnections` and `timeouts.connect` are then its own business.)
   */
  fetch?: FetchFunction;
  /**
   * Node: the undici `Dispatcher` every request goes through instead of the client's own pool, e.g.
   * `new ProxyAgent('http://proxy:3128')` or `new EnvHttpProxyAgent()`. The client never closes it.
   */
  dispatcher?: Dispatcher;
}

/** 32 MiB: far above any model list or embedding batch, far below what would strain a process. */
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Headers whose values are always secrets. */
export const ALWAYS_SECRET_HEADERS = ['authorization', 'proxy-authorization'];

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
    const record = t.record(t.string, t.string, 'Record<string, string>').validate(input, context);
    if (record._tag === 'Left') return record;
    for (const [name, value] of Object.entries(record.right)) {
      const at = t.appendContext(context, name, t.string);
      if (!HEADER_NAME.test(name)) return t.failure(name, at, `"${name}" is not a valid header name`);
      if (BAD_HEADER_VALUE.test(value)) {
        return t.failure(value, at, 'a header value cannot hold CR, LF or other control characters');
      }
    }
    return record;
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
  (value): value is Dispatcher => typeof (value as Dispatcher | undefined)?.dispatch === 'function' && typeof (value as Dispatcher).request === 'function',
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

/** Thrown at construction for a bad option: the message names the field and the value. */
export class OllamaConfigError extends TypeError {
  override readonly name = 'OllamaConfigError';
}

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

/** Ollama trims spaces and surrounding quotes from its environment variables. */
const unquote = (value: string) => value.trim().replace(/^["']+|["']+$/g, '');

export function readEnv(name: string): string | undefined {
  const env = typeof process === 'undefined' ? undefined : process.env?.[name];
  const value = env === undefined ? undefined : unquote(env);
  return value ? value : undefined;
}

export function defaultModel(): string | undefined {
  return readEnv('OLLAMA_MODEL');
}

/**
 * The base URL for an `OLLAMA_HOST` value, by Ollama's own rules: no scheme means http and port
 * 11434; `http://` or `https://` without a port means 80 or 443; a path prefix is kept (without its
 * trailing slash); a bare `ollama.com` means `https://ollama.com:443`. Throws `OllamaConfigError` for
 * a scheme or port Ollama could not use, for credentials anywhere in the value (send them as a
 * header; the message masks them) and for a `?` or `#`, after which the API path would be lost.
 *
 * @example
 * parseHost('gpu-box')                  // 'http://gpu-box:11434'
 * parseHost('https://example.com/ollama') // 'https://example.com:443/ollama'
 */
export function parseHost(value: string | undefined = readEnv('OLLAMA_HOST')): string {
  const input = value === undefined ? '' : unquote(value);
  if (!input) return DEFAULT_HOST;
  if (input === 'ollama.com') return 'https://ollama.com:443';
  let scheme = 'http';
  let rest = input;
  let defaultPort = DEFAULT_PORT;
  const schemeEnd = input.indexOf('://');
  if (schemeEnd !== -1) {
    scheme = input.slice(0, schemeEnd).toLowerCase();
    rest = input.slice(schemeEnd + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
    else throw hostError(value, `scheme must be http or https, not "${scheme}"`);
  }
  // Anywhere, not only before the first slash: in `u:1234/pw@h` the password holds the slash.
  if (rest.includes('@')) {
    throw hostError(value, 'credentials in the host are not supported: pass headers: { Authorization } instead');
  }
  // The API path is appended to the base URL: after a `?` or `#` it would land in the query or fragment.
  if (/[?#]/.test(rest)) throw hostError(value, 'a host cannot hold a query (?) or a fragment (#)');
  const slash = rest.indexOf('/');
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '');
  const { host, port } = splitHostPort(hostPort, defaultPort, value);
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  try {
    new URL(url);
  } catch {
    throw hostError(value, 'it is not a valid URL');
  }
  return url;
}

function splitHostPort(hostPort: string, defaultPort: string, original: string | undefined) {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if (hostPort.split(':').length > 2) {
    host = hostPort; // a bare IPv6 address
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    port = colon === -1 ? undefined : hostPort.slice(colon + 1);
  }
  if (!host) host = '127.0.0.1';
  if (port === undefined || port === '') port = defaultPort;
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw hostError(original, `port must be a number from 0 to 65535, not "${port}"`);
  }
  return { host, port: String(Number(port)) };
}

function hostError(value: string | undefined, why: string): OllamaConfigError {
  // Whatever precedes the last @ may be a password (slashes included): it never reaches a message.
  const shown = value?.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?).*@/is, '$1***@');
  return new OllamaConfigError(`Invalid ollama-rx host ${JSON.stringify(shown)}: ${why}`);
}
