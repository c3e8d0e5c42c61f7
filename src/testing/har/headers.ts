import type { IncomingHttpHeaders } from 'node:http';
import { REDACTED } from '../../core/redact.js';
import type { HarHeader } from './types.js';

/** Always secret, whatever the client's own list says. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** Names that hold a key or a token by their look: `x-api-key`, `api_key`, `x-auth-token`, `client-secret`. */
const SECRET_NAME = /api[-_]?key|token|secret|password|credential|session/i;

/** Whether a header's or query parameter's value is a secret: by name, the client's `secretHeaders` included. */
export function secretNames(extra: readonly string[] = []): (name: string) => boolean {
  const names = new Set([...SECRET_HEADERS, ...extra.map((name) => name.toLowerCase())]);
  return (name) => names.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

/** Header pairs for the file, secrets written as `***`. */
export function harHeaders(pairs: Iterable<readonly [string, string]>, isSecret: (name: string) => boolean): HarHeader[] {
  return [...pairs].map(([name, value]) => ({ name, value: isSecret(name) ? REDACTED : value }));
}

/** A URL for the file: secret-looking query values written as `***`, and no user info. */
export function harUrl(url: URL, isSecret: (name: string) => boolean): { url: string; queryString: HarHeader[] } {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  const queryString: HarHeader[] = [];
  for (const [name, value] of url.searchParams) {
    const shown = isSecret(name) || name.toLowerCase() === 'key' ? REDACTED : value;
    copy.searchParams.set(name, shown);
    queryString.push({ name, value: shown });
  }
  return { url: copy.href, queryString };
}

/** `rawHeaders` (name, value, name, value…) as pairs. */
export function rawPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** Node's or undici's header object as pairs, a repeated header once per value. */
export function headerPairs(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, one]);
  }
  return pairs;
}

/** Hop-by-hop headers, one connection's business (RFC 9110 §7.6.1), which a proxy does not forward. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/**
 * The request's headers for the upstream: no hop-by-hop ones, no `host` (the upstream's own is
 * set), no `content-length` (the body is sent whole) and no `accept-encoding`, so that the
 * upstream answers uncompressed and the file holds the body as text.
 */
export function forwardedHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of rawPairs(raw)) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'host' || lower === 'content-length' || lower === 'accept-encoding') continue;
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
  }
  return headers;
}

/** The upstream's response headers for the client: no hop-by-hop ones, Node frames the body anew. */
export function returnedHeaders(headers: Record<string, string | string[] | undefined>): Array<[string, string]> {
  return headerPairs(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
}
