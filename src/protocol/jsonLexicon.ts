/** JSON's lexical classes, as the partial-JSON parser reads them one character code at a time, and its value helpers. */
export const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
export const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };
export const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export const isWhitespace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
export const isAtomChar = (code: number) =>
  (code >= 0x30 && code <= 0x39) ||
  code === 0x2d ||
  code === 0x2b ||
  code === 0x2e ||
  code === 0x45 ||
  code === 0x65 ||
  (code >= 0x61 && code <= 0x7a);
export const isHexDigit = (code: number) => (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
export const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** `value` added to an open array, or under `open.key` of an open object. */
export function insertInto(container: Record<string, unknown> | unknown[], open: { isArray: boolean; key: string }, value: unknown): void {
  if (open.isArray) (container as unknown[]).push(value);
  // defineProperty: JSON's "__proto__" key is an own property, never the prototype.
  else if (open.key === '__proto__')
    Object.defineProperty(container, open.key, { value, enumerable: true, writable: true, configurable: true });
  else (container as Record<string, unknown>)[open.key] = value;
}
