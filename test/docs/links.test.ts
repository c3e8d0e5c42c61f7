// Every relative link of the documentation leads somewhere: the file exists and, for `file.md#anchor`
// or `#anchor`, the anchor is one of that file's headings (as GitHub spells them). Moving a section
// from one page to another breaks links that no reader reports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { documents } from './snippets.js';

const ROOT = join(__dirname, '..', '..');

/** The visible text of a Markdown file: fenced blocks and inline code spans dropped. */
function prose(doc: string): string[] {
  let fence: string | undefined;
  return readFileSync(join(ROOT, doc), 'utf8')
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (fence === undefined ? !/`/.test(line.slice(line.indexOf(marker) + marker.length)) : line.trim().startsWith(fence))) {
        fence = fence === undefined ? marker : undefined;
        return '';
      }
      return fence === undefined ? line : '';
    });
}

/** GitHub's anchors for a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(doc: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const line of prose(doc)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

const links = documents(ROOT).flatMap((doc) =>
  prose(doc).flatMap((line, index) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z]+:/i.test(target))
      .map((target) => ({ doc, line: index + 1, target })),
  ),
);

it('the documentation has relative links to check', () => {
  expect(links.length).toBeGreaterThan(10);
});

it.each(links.map((link) => [`${link.doc} line ${link.line}: ${link.target}`, link] as const))(
  '%s leads somewhere',
  (_, { doc, target }) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path ? normalize(join(dirname(doc), path)) : doc;
    expect(existsSync(join(ROOT, file))).toBe(true);
    if (anchor !== undefined) expect([...anchors(file)]).toContain(anchor);
  },
);
