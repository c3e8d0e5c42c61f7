import * as t from 'io-ts';
import type { WebFetchResponse, WebSearchResponse } from '../core/types.js';
import { lineDecoder } from './lines.js';

const WebSearchResult = t.type({ title: t.string, url: t.string, content: t.string }, 'WebSearchResult');

export const decodeWebSearch = lineDecoder(
  t.type({ results: t.array(WebSearchResult) }, 'WebSearchResponse'),
  // Fields a newer ollama.com adds pass through, as in every answer.
  (answer): WebSearchResponse => answer,
);

export const decodeWebFetch = lineDecoder(
  t.intersection(
    [t.type({ title: t.string, content: t.string }), t.partial({ links: t.union([t.array(t.string), t.null]) })],
    'WebFetchResponse',
  ),
  (answer): WebFetchResponse => ({ ...answer, links: answer.links ?? [] }),
);
