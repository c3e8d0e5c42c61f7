import { OllamaConfigError } from '../../src/core/errors.js';
import { toBase64, withEncodedImages, withEncodedMessageImages } from '../../src/protocol/images.js';
import type { ChatMessage } from '../../src/core/types.js';

describe('images', () => {
  it('toBase64 encodes any length, in slices well under the argument limit', () => {
    const bytes = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 7) % 256);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(toBase64(new Uint8Array(0))).toBe('');
  });

  it('withEncodedImages encodes bytes, keeps base64 text, and returns a request without images as it was', () => {
    const request = { model: 'm', prompt: 'p', images: ['aGk=', Uint8Array.of(104, 105)] };
    expect(withEncodedImages(request)).toEqual({ model: 'm', prompt: 'p', images: ['aGk=', 'aGk='] });
    const none: { model: string; prompt: string; images?: string[] } = { model: 'm', prompt: 'p' };
    expect(withEncodedImages(none)).toBe(none);
  });

  it('withEncodedMessageImages encodes the images of the messages that have them, and keeps the rest as they were', () => {
    const plain: ChatMessage = { role: 'user', content: 'hi' };
    const messages: ChatMessage[] = [plain, { role: 'user', content: 'look', images: [Uint8Array.of(104, 105)] }];
    const encoded = withEncodedMessageImages(messages);
    expect(encoded).toEqual([plain, { role: 'user', content: 'look', images: ['aGk='] }]);
    expect(encoded[0]).toBe(plain);
    const without = [plain];
    expect(withEncodedMessageImages(without)).toBe(without);
    const odd = 'not messages' as unknown as ChatMessage[];
    expect(withEncodedMessageImages(odd)).toBe(odd);
    const withNull = [null, { role: 'user', content: 'x', images: ['aGk='] }] as unknown as ChatMessage[];
    expect(withEncodedMessageImages(withNull)).toEqual(withNull);
  });

  it('names the field of an image that is neither text nor bytes', () => {
    expect(() => withEncodedImages({ images: 'aGk=' as never })).toThrow(
      new OllamaConfigError('Invalid ollama-rx request: images must be an array of images'),
    );
    expect(() => withEncodedImages({ images: [5 as never] })).toThrow(
      new OllamaConfigError('Invalid ollama-rx request: images[0] must be base64 text or bytes (a Uint8Array), got number'),
    );
    expect(() =>
      withEncodedMessageImages([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b', images: ['aGk=', null as never] },
      ]),
    ).toThrow(
      new OllamaConfigError('Invalid ollama-rx request: messages[1].images[1] must be base64 text or bytes (a Uint8Array), got null'),
    );
  });
});
