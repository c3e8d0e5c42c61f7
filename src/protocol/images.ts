import { OllamaConfigError } from '../core/errors.js';
import type { ChatMessage, ImageInput } from '../core/types.js';
import { kindOfValue } from '../core/describe.js';

/** Bytes per `String.fromCharCode` call: far below any engine's limit on arguments. */
const SLICE = 0x8000;

/**
 * Base64 of bytes with `btoa`, which browsers and Node both have: the browser build must not pull
 * in a `Buffer` polyfill for this.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(start, start + SLICE));
  }
  return btoa(binary);
}

/** Images as Ollama takes them, base64 text; `where` names the field in the error for a bad one. */
function encodeImages(images: readonly ImageInput[], where: string): string[] {
  if (!Array.isArray(images)) throw new OllamaConfigError(`Invalid ollama-rx request: ${where} must be an array of images`);
  return images.map((image, i) => {
    if (typeof image === 'string') return image;
    if (image instanceof Uint8Array) return toBase64(image);
    throw new OllamaConfigError(
      `Invalid ollama-rx request: ${where}[${i}] must be base64 text or bytes (a Uint8Array), got ${kindOfValue(image)}`,
    );
  });
}

/** A generate request with its images as base64 text; the same object when it has none to encode. */
export function withEncodedImages<R extends { images?: readonly ImageInput[] }>(request: R): R {
  if (request.images === undefined) return request;
  return { ...request, images: encodeImages(request.images, 'images') };
}

/** Chat messages with their images as base64 text; the same array when none has images. */
export function withEncodedMessageImages(messages: ChatMessage[]): ChatMessage[] {
  if (!Array.isArray(messages) || !messages.some((message) => message?.images !== undefined)) return messages;
  return messages.map((message, i) =>
    message?.images === undefined ? message : { ...message, images: encodeImages(message.images, `messages[${i}].images`) },
  );
}
