/** Resolves once `predicate` holds, checked every `everyMs`; rejects after `timeoutMs`. Signals change outside any server event. */
export async function until(predicate: () => unknown, everyMs = 2, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`until: still false after ${timeoutMs} ms: ${predicate.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
