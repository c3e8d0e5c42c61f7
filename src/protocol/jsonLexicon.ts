/** JSON's lexical classes, as the partial-JSON parser reads them one character code at a time; the shapes of what it holds open; its value helpers. */
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
  // Lower-case letters: the literals, and the exponent's `e`.
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

export type Container = Record<string, unknown> | unknown[];

/** An object or array whose closing bracket has not arrived yet. */
export interface OpenContainer {
  value: Container;
  isArray: boolean;
  /** The key whose value comes next or is being read (objects). */
  key: string;
  /** What the next significant character must be. */
  expect: 'first' | 'key' | 'colon' | 'value' | 'commaOrEnd';
}

/**
 * A string being read: an object key, or a value that is shown while it grows. Its `text` only grows
 * by `+=` and is never read here: reading a character of a string built that way makes V8 flatten
 * (copy) all of it, which per piece would make a long string quadratic.
 */
export interface OpenString {
  isKey: boolean;
  /** What can be shown: all of it but `held`. */
  text: string;
  /** A high surrogate whose pair has not arrived yet: not shown, so not yet in `text`. */
  held: string;
  /** An escape sequence split by a chunk boundary (`\`, `\u00`, …). */
  escape: string;
}

/** A number or a literal (`true`, `false`, `null`): shown only once complete. */
export interface OpenAtom {
  text: string;
  /** The literal being spelled, or undefined for a number. */
  literal: string | undefined;
  /** Where it began in the whole text, for error messages. */
  start: number;
}
