import { decodeEmbedResponse, decodePullProgress } from '../../src/protocol/responses.js';
import { decodeWebFetch } from '../../src/protocol/web.js';

describe('one-document and progress answers', () => {
  it('pull progress: the fields the line has, and a percentage when the total is known', () => {
    expect(decodePullProgress({ status: 'success' })).toStrictEqual({ status: 'success' });
    expect(decodePullProgress({ status: 'pulling', digest: 'sha256:ab', total: 200, completed: 50 })).toStrictEqual({
      status: 'pulling',
      digest: 'sha256:ab',
      total: 200,
      completed: 50,
      percent: 25,
    });
    expect(decodePullProgress({ status: 'pulling', total: 200, completed: 0 })).toStrictEqual({
      status: 'pulling',
      total: 200,
      completed: 0,
      percent: 0,
    });
    expect(decodePullProgress({ status: 'pulling', total: 100, completed: 150 })).toMatchObject({ percent: 100 });
    expect(decodePullProgress({ status: 'pulling', total: 0, completed: 0 })).toStrictEqual({ status: 'pulling', total: 0, completed: 0 });
    expect(decodePullProgress({ status: 'pulling', total: 10 })).toStrictEqual({ status: 'pulling', total: 10 });
  });

  it('embed: the metrics it has, or none', () => {
    expect(decodeEmbedResponse({ model: 'e', embeddings: [[0.5]] })).toStrictEqual({ model: 'e', embeddings: [[0.5]], metrics: {} });
    expect(
      decodeEmbedResponse({ model: 'e', embeddings: [], total_duration: 2e6, load_duration: 1e6, prompt_eval_count: 3 }),
    ).toStrictEqual({
      model: 'e',
      embeddings: [],
      metrics: { totalMs: 2, loadMs: 1, promptEvalCount: 3 },
    });
  });

  it('web fetch: links always a list', () => {
    for (const links of [undefined, null]) {
      expect(decodeWebFetch({ title: 't', content: 'c', links })).toStrictEqual({ title: 't', content: 'c', links: [] });
    }
    expect(decodeWebFetch({ title: 't', content: 'c', links: ['https://a'] })).toStrictEqual({
      title: 't',
      content: 'c',
      links: ['https://a'],
    });
  });
});
