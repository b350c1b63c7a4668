/**
 * @module Token ids -> text deltas that are always whole UTF-8 characters. Byte-level BPE can split one
 * character (an emoji, a CJK ideograph) across tokens; its bytes are held until the character is complete.
 */

/**
 * Streaming detokeniser over a token -> bytes function (`RioTokenizer.tokenBytes`).
 * @example
 * const d = new Utf8StreamDecoder((id) => tok.tokenBytes(id));
 * let text = "";
 * for (const id of ids) text += d.push(id);
 * text += d.finish();
 */
export class Utf8StreamDecoder {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

  /**
   * @param tokenBytes raw bytes of one token.
   * @param skip ids to leave out of the text (e.g. special tokens).
   */
  constructor(
    private readonly tokenBytes: (id: number) => Uint8Array,
    private readonly skip: (id: number) => boolean = () => false,
  ) {}

  /** Adds one token; returns the text completed by it (possibly empty). */
  push(id: number): string {
    if (this.skip(id)) return "";
    return this.decoder.decode(this.tokenBytes(id), { stream: true });
  }

  /** Ends the stream; bytes of an unfinished character come out as U+FFFD, as transformers' decode does. */
  finish(): string {
    return this.decoder.decode();
  }
}
