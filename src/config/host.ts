import { OllamaConfigError } from '../core/errors.js';

export const DEFAULT_HOST = 'http://127.0.0.1:11434';
const DEFAULT_PORT = '11434';

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
  // Whatever precedes the last @ may be a password (slashes included), and a query or fragment may
  // hold a key (`?key=…`): neither reaches a message.
  const shown = value?.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?).*@/is, '$1***@').replace(/([?#]).*$/s, '$1***');
  return new OllamaConfigError(`Invalid ollama-rx host ${JSON.stringify(shown)}: ${why}`);
}
