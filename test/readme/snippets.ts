/**
 * The code blocks of README.md, as the README-snippet test runs them. A ```ts or ```js block runs as
 * written, as its own program; one that cannot (a signature, a browser page, a fragment of a class)
 * says so in its fence, with the reason: ```ts no-run: signatures only.
 */
import { readFileSync } from 'node:fs';

export interface Snippet {
  /** The line of the opening fence, 1-based. */
  line: number;
  /** The heading the block is under. */
  heading: string;
  language: 'ts' | 'js';
  code: string;
  /** Why the block is not run, when its fence says `no-run: <reason>`. */
  noRun?: string;
  /** Whether its fence says `no-run` at all (with or without a reason). */
  marked: boolean;
}

const RUNNABLE: Record<string, Snippet['language']> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

/** Every ```ts and ```js block of a Markdown file, in order. */
export function snippets(path: string): Snippet[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const found: Snippet[] = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!fence) {
      const title = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
      if (title) heading = title[1]!.trim();
      continue;
    }
    const [, indent, marker, language, info] = fence;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker!); i++) body.push(lines[i]!.slice(indent!.length));
    const kind = RUNNABLE[language!.toLowerCase()];
    if (!kind) continue;
    const noRun = /^no-run\b:?\s*(.*)$/.exec(info!.trim());
    found.push({
      line: start + 1,
      heading,
      language: kind,
      code: body.join('\n') + '\n',
      noRun: noRun?.[1]?.trim() || undefined,
      marked: Boolean(noRun),
    });
  }
  return found;
}

/** The file name a block runs under: ESM (top-level await) unless it is CommonJS (`require`). */
export function fileNameOf(snippet: Snippet): string {
  const commonJs = /\brequire\(/.test(snippet.code) && !/^\s*import\s/m.test(snippet.code);
  const extension = snippet.language === 'ts' ? (commonJs ? 'cts' : 'mts') : commonJs ? 'cjs' : 'mjs';
  return `readme-line-${snippet.line}.${extension}`;
}
