import type * as t from 'io-ts';

const MAX_VALUE_CHARS = 80;

/**
 * io-ts errors as one readable sentence: `response: expected string, got 42; done: expected
 * boolean, got undefined`. Intersection and union members are skipped in the path.
 */
export function describeErrors(errors: t.Errors): string {
  const seen = new Set<string>();
  for (const error of errors) {
    const path = error.context
      .filter((_entry, i) => i > 0 && !isCombinator(error.context[i - 1]!.type))
      .map((entry) => entry.key)
      .join('.');
    const last = error.context[error.context.length - 1];
    const expected = last ? last.type.name : 'a value';
    const problem = error.message ?? `expected ${expected}, got ${preview(error.value)}`;
    seen.add(`${path || '(root)'}: ${problem}`);
  }
  return [...seen].join('; ');
}

function isCombinator(type: t.Decoder<unknown, unknown>): boolean {
  const tag = (type as { _tag?: string })._tag;
  return tag === 'IntersectionType' || tag === 'UnionType' || tag === 'RefinementType';
}

export function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = typeof value === 'string' ? JSON.stringify(value) : safeStringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** What a bad input is, for a message about it: `null`, `an array`, or its `typeof`. */
export const kindOfValue = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * What a thrown value says: an `Error`'s message, else its `String`, else (a value without a usable
 * `toString`, such as `Object.create(null)`) its kind. Never throws: it names a failure.
 */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  try {
    return String(thrown);
  } catch {
    return `a thrown ${kindOfValue(thrown)} without a message`;
  }
}
