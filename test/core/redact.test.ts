import { redactText, redactValue } from '../../src/core/redact.js';

describe('redactText', () => {
  it('replaces every occurrence of each secret by ***, and leaves text without one as it was', () => {
    expect(redactText('a KEY b KEY c tok', ['KEY', 'tok'])).toBe('a *** b *** c ***');
    expect(redactText('nothing here', ['KEY'])).toBe('nothing here');
    expect(redactText('KEY', [])).toBe('KEY');
  });
});

describe('redactValue', () => {
  it('redacts strings in arrays, nested objects and keys; other values pass as they are', () => {
    const value = { KEY: { list: ['xKEYx', 1, null, true], n: 2 }, plain: 'ok', none: null };
    expect(redactValue(value, ['KEY'])).toStrictEqual({
      '***': { list: ['x***x', 1, null, true], n: 2 },
      plain: 'ok',
      none: null,
    });
    expect(redactValue('KEY', ['KEY'])).toBe('***');
    expect(redactValue(7, ['KEY'])).toBe(7);
    expect(redactValue(null, ['KEY'])).toBeNull();
  });

  it('makes every key an ordinary own property: enumerable, writable, configurable', () => {
    const redacted = redactValue({ b: 1 }, ['KEY']);
    expect(Object.getOwnPropertyDescriptor(redacted, 'b')).toEqual({ value: 1, enumerable: true, writable: true, configurable: true });
  });
});
