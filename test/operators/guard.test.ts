import { checkChunk, guard } from '../../src/operators/guard.js';
import type { StreamChunk } from '../../src/core/types.js';

describe('guard', () => {
  const subscriber = (closed: boolean) => ({ closed, error: jest.fn() });

  it('calls the handler while the subscriber is open, and routes what it throws to the subscriber', () => {
    const open = subscriber(false);
    const handler = jest.fn((value: number) => {
      if (value < 0) throw new RangeError('negative');
    });
    guard(open, handler)(1);
    expect(handler).toHaveBeenCalledWith(1);
    guard(open, handler)(-1);
    expect(open.error).toHaveBeenCalledWith(new RangeError('negative'));
  });

  it('does nothing once the subscriber is closed', () => {
    const closed = subscriber(true);
    const handler = jest.fn();
    guard(closed, handler)(1);
    expect(handler).not.toHaveBeenCalled();
  });

  it('hands a throw to onThrow when given one, instead of the subscriber', () => {
    const open = subscriber(false);
    const onThrow = jest.fn();
    guard(
      open,
      () => {
        throw new Error('x');
      },
      onThrow,
    )(undefined);
    expect(onThrow).toHaveBeenCalledWith(new Error('x'));
    expect(open.error).not.toHaveBeenCalled();
  });
});

describe('checkChunk', () => {
  it('passes an object through and names what anything else is', () => {
    const chunk: StreamChunk = { text: 'a', done: false };
    expect(checkChunk(chunk)).toBe(chunk);
    expect(() => checkChunk(null as never)).toThrow(new TypeError('expected a chunk, got null'));
    expect(() => checkChunk(5 as never)).toThrow(new TypeError('expected a chunk, got number'));
    expect(() => checkChunk('a' as never)).toThrow(new TypeError('expected a chunk, got string'));
  });
});
