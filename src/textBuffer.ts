const PIECES_PER_RUN = 256;

/**
 * Text appended piece by piece — one piece per token — for a long stream. `+=` would build a rope
 * node per token and keep every token string alive until the end, which the young-generation GC
 * copies over and over; joining the pieces in runs keeps a few flat strings instead.
 */
export class TextBuffer {
  private readonly runs: string[] = [];
  private readonly pieces: string[] = [];

  add(piece: string): void {
    if (!piece) return;
    this.pieces.push(piece);
    if (this.pieces.length === PIECES_PER_RUN) {
      this.runs.push(this.pieces.join(''));
      this.pieces.length = 0;
    }
  }

  text(): string {
    return this.runs.join('') + this.pieces.join('');
  }
}
