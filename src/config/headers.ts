import { readEnv } from './host.js';
import { validateHeaders } from './options.js';

/**
 * The strings to hide for these secret header values: each value whole and, for a value with an
 * auth scheme (`Bearer abc…`), its credential alone, which is what servers tend to echo. Longest
 * first, so a whole value is replaced before its parts.
 */
function secretsOf(values: readonly string[]): string[] {
  const secrets = new Set<string>();
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed) secrets.add(trimmed);
    const credential = /^\S+\s+(\S.*)$/.exec(trimmed)?.[1];
    if (credential && credential.length >= MIN_CREDENTIAL_CHARS) secrets.add(credential);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}
/** Shorter parts would hide common words of every message; no real credential is that short. */
const MIN_CREDENTIAL_CHARS = 4;

/** Headers whose values are always secrets. */
const ALWAYS_SECRET_HEADERS = ['authorization', 'proxy-authorization'];

/** HTTP header names are case-insensitive; one spelling lets a caller's header replace a default. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/**
 * ollama.com's key from `OLLAMA_API_KEY`, as a bearer token — only for https://ollama.com, so the
 * key never reaches another host, and never over an `Authorization` header the caller set.
 */
function withApiKey(host: string, headers: Record<string, string>): Record<string, string> {
  const { protocol, hostname, port } = new URL(host);
  if (protocol !== 'https:' || hostname !== 'ollama.com' || (port !== '' && port !== '443')) return headers;
  if (headers.authorization !== undefined) return headers;
  const key = readEnv('OLLAMA_API_KEY');
  return key ? { ...headers, authorization: `Bearer ${key}` } : headers;
}

/** A client's headers and which of their values are secrets, with a call's own headers layered over them. */
export class HeaderPolicy {
  readonly headers: Record<string, string>;
  /** Values of the secret headers (`secretsOf`): shown as `***` in every error. */
  readonly secrets: readonly string[];
  /** Lower-case names of the headers whose values never appear in an error. */
  private readonly secretNames: ReadonlySet<string>;

  constructor(host: string, headers: Record<string, string> = {}, secretHeaders: readonly string[] = []) {
    this.secretNames = new Set([...ALWAYS_SECRET_HEADERS, ...secretHeaders.map((name) => name.toLowerCase())]);
    this.headers = withApiKey(host, lowerCaseKeys(headers));
    this.secrets = this.secretsIn(this.headers);
  }

  /** The headers of one call: the client's, overridden by the call's (checked like the constructor's). */
  forCall(callHeaders: unknown): { headers: Record<string, string>; secrets: readonly string[] } {
    if (callHeaders === undefined) return this;
    const headers = { ...this.headers, ...lowerCaseKeys(validateHeaders(callHeaders)) };
    return { headers, secrets: this.secretsIn(headers) };
  }

  private secretsIn(headers: Record<string, string>): string[] {
    return secretsOf(
      Object.keys(headers)
        .filter((name) => this.secretNames.has(name))
        .map((name) => headers[name]!),
    );
  }
}
