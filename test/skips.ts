/**
 * A suite that needs something this machine may lack (Chromium, nginx, a real Ollama). When
 * `missing` says what is missing and how to get it, the suite is skipped under a title that says so,
 * and test/skipReasons.cjs prints that title at the end of `npm test`'s output: a skip is never silent.
 */
export function describeUnless(missing: string | undefined, title: string, suite: () => void): void {
  if (missing) describe.skip(`${title} [SKIPPED: ${missing}]`, suite);
  else describe(title, suite);
}
