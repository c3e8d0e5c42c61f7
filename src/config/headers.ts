/**
 * The strings to hide for these secret header values: each value whole and, for a value with an
 * auth scheme (`Bearer abc…`), its credential alone, which is what servers tend to echo. Longest
 * first, so a whole value is replaced before its parts.
 */
export function secretsOf(values: readonly string[]): string[] {
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

