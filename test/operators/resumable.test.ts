import { type Observable, concat, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { OllamaError } from '../../src/core/errors.js';
import type { ChatRequest, StreamChunk } from '../../src/core/types.js';
import { resumable } from '../../src/operators/resumable.js';

// The loopback server's resumes are in test/integration/faults/recovery.test.ts; these are the
// request shapes a continuation must handle, with a `send` that fails its first attempt after ' upon'.
function resumeOf(request: ChatRequest): Promise<{ text: string; resumedWith: ChatRequest }> {
  const sent: ChatRequest[] = [];
  const send = (next: ChatRequest, attempt: number): Observable<StreamChunk> => {
    sent.push(next);
    return attempt === 0
      ? concat(
          of({ text: ' upon', done: false }),
          throwError(() => new OllamaError('server', 'dropped')),
        )
      : of({ text: ' a time', done: false }, { text: '', done: true });
  };
  return lastValueFrom(resumable(request, send, { delay: 0 }).pipe(toArray())).then((chunks) => ({
    text: chunks.map((chunk) => chunk.text).join(''),
    resumedWith: sent[1]!,
  }));
}

describe('resumable continues a chat', () => {
  it('by extending the assistant message that ends the conversation, not an earlier one', async () => {
    const messages: ChatRequest['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'A story?' },
      { role: 'assistant', content: 'Once' },
    ];
    const { text, resumedWith } = await resumeOf({ model: 'm', messages });
    expect(text).toBe(' upon a time');
    expect(resumedWith.messages).toEqual([...messages.slice(0, 3), { role: 'assistant', content: 'Once upon' }]);
  });

  it('by adding an assistant message after a user message, or to a conversation without messages', async () => {
    const user = { role: 'user', content: 'A story?' } as const;
    expect((await resumeOf({ model: 'm', messages: [user] })).resumedWith.messages).toEqual([
      user,
      { role: 'assistant', content: ' upon' },
    ]);
    expect((await resumeOf({ model: 'm', messages: [] })).resumedWith.messages).toEqual([{ role: 'assistant', content: ' upon' }]);
  });
});
