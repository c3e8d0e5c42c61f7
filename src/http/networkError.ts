import { OllamaError } from '../core/errors.js';
import { timeoutError } from './timers.js';
import { messageOf } from '../core/describe.js';

/**
 * A transport's failure as an `OllamaError` that says what happened, in words. Each transport calls
 * it where the failure happens (undici's codes, and fetch's, whose causes carry the same codes in Node).
 */
export function networkError(error: unknown, baseUrl: string, connectTimeoutMs?: number): OllamaError {
  if (error instanceof OllamaError) return error;
  const code = errorCode(error);
  const reason = messageOf(error);
  // undici's HTTPParserError (llhttp's HPE_* codes, when it sets one): the bytes arrived, but they are
  // not HTTP. Sending the same request again would get the same bytes, so this is not `network`.
  const parserError = httpParserError(error);
  if (parserError) {
    return new OllamaError('protocol', `the reply from ${baseUrl} is not valid HTTP: ${parserError.message}`, { cause: error });
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeoutError('connect', connectTimeoutMs, error);
    case 'ECONNREFUSED':
      return new OllamaError('network', `connection refused by ${baseUrl}: is Ollama running? (ECONNREFUSED)`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OllamaError('network', `cannot resolve the host of ${baseUrl} (${code})`, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new OllamaError('network', `connection to ${baseUrl} was reset: ${reason} (${code})`, { cause: error });
    default:
      return new OllamaError('network', `request to ${baseUrl} failed: ${reason}${code ? ` (${code})` : ''}`, { cause: error });
  }
}

function httpParserError(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current.name === 'HTTPParserError' || String((current as { code?: unknown }).code).startsWith('HPE_')) return current;
    current = current.cause;
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
