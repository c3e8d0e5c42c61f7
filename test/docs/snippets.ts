/**
 * The code blocks of the documentation (README.md, CHANGELOG.md and every guide under docs/), as the
 * snippet test runs them. A ```ts or ```js block runs as written, as its own program; one that cannot
 * (a signature, a browser page, a fragment of a class) says so in its fence, with the reason:
 * ```ts no-run: signatures only.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Snippet {
  /** The Markdown file, relative to the repository root: `README.md`, `docs/api.md`. */
  doc: string;
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

/** The Markdown files whose blocks run: README.md, CHANGELOG.md and docs/*.md, relative to `root`. */
export function documents(root: string): string[] {
  const guides = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CHANGELOG.md', ...guides].filter((doc) => existsSync(join(root, doc)));
}

/** Every ```ts and ```js block of a Markdown file (`doc`, relative to `root`), in order. */
export function snippets(root: string, doc: string): Snippet[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const found: Snippet[] = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!);
    // A backtick fence's info string holds no backtick: "```` ```ts ```` …" is inline code.
    if (!fence || (fence[2]!.startsWith('`') && /`/.test(fence[3]! + fence[4]!))) {
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
      doc,
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

/** Whether a block is CommonJS (`require`, no `import`); otherwise it is an ES module (top-level await). */
export function isCommonJs(snippet: Snippet): boolean {
  return /\brequire\(/.test(snippet.code) && !/^\s*import\s/m.test(snippet.code);
}

/** The file name a block is written under, e.g. `docs-api-line-120.mts`. */
export function fileNameOf(snippet: Snippet): string {
  const commonJs = isCommonJs(snippet);
  const extension = snippet.language === 'ts' ? (commonJs ? 'cts' : 'mts') : commonJs ? 'cjs' : 'mjs';
  return `${snippet.doc.replace(/\.md$/, '').replace(/\//g, '-')}-line-${snippet.line}.${extension}`;
}
