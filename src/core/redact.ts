/** What a secret is replaced by, wherever it would be shown. */
export const REDACTED = '***';

/** `text` with every occurrence of `secrets` (longest first, as `HeaderPolicy` orders them) replaced by `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

/**
 * A JSON value with `secrets` replaced in every string and key: what a message may quote of it,
 * since a quote cut short would leave a split secret that no later redaction recognises.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (!secrets.length) return value;
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: JSON's "__proto__" key is an own property, never the prototype.
    Object.defineProperty(result, redactText(key, secrets), {
      value: redactValue(item, secrets),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
