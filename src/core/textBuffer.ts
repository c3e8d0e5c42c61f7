const PIECES_PER_RUN = 32;

/**
 * Text appended piece by piece — one piece per token — for a long stream. `+=` would build a rope
 * node per token and keep every token string alive until the end, which the young-generation GC
 * copies over and over; joining the pieces in runs keeps a few flat strings instead. Runs are short:
 * a token held as its own string costs a header and a slot several times its few characters, and a
 * backend holding a thousand open streams holds that for each (measured by the bench's fan-out).
 *
 * The pieces go into slots of one fixed array, not `push` + `length = 0`: truncating an array frees
 * its backing store, so every run would regrow (and copy) it from scratch.
 */
export class TextBuffer {
  private readonly runs: string[] = [];
  private readonly pieces: string[] = new Array<string>(PIECES_PER_RUN).fill('');
  private count = 0;

  add(piece: string): void {
    if (!piece) return;
    this.pieces[this.count++] = piece;
    if (this.count === PIECES_PER_RUN) {
      this.runs.push(this.pieces.join(''));
      this.count = 0;
    }
  }

  text(): string {
    return this.runs.join('') + this.pieces.slice(0, this.count).join('');
  }

  clear(): void {
    this.runs.length = 0;
    this.count = 0;
  }
}
