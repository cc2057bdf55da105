import type { Block } from '../parse/index.js';
import { countWords, lastWords, splitSentences, splitWords } from './words.js';

/**
 * Packs the body blocks of one section (the text between two headings) into chunks of at most
 * `size` words. A chunk after the first starts with the last `overlap` words of the one before,
 * cut down when the next piece would not fit otherwise, so no chunk exceeds `size`.
 */
export class SectionPacker {
  readonly #size: number;
  readonly #overlap: number;
  readonly #emit: (text: string) => void;
  #text = '';
  #words = 0;

  constructor(size: number, overlap: number, emit: (text: string) => void) {
    this.#size = size;
    this.#overlap = overlap;
    this.#emit = emit;
  }

  /** Adds a block: whole when it fits in a chunk, else cut at sentences (lines for code). */
  add(block: Block): void {
    const text =
      block.type !== 'list_item'
        ? block.text
        : block.number !== undefined
          ? `${block.number}. ${block.text}`
          : `- ${block.text}`;
    const words = countWords(text);
    if (words <= this.#size) {
      this.#addPiece(text, words, '\n');
      return;
    }
    const code = block.type === 'code';
    const units = code ? text.split('\n') : splitSentences(text);
    // Runs of a cut sentence leave room for a full overlap before them.
    const pieces = units.flatMap((unit) =>
      countWords(unit) > this.#size ? splitWords(unit, this.#size - this.#overlap) : [unit],
    );
    pieces.forEach((piece, index) => {
      this.#addPiece(piece, countWords(piece), index === 0 || code ? '\n' : ' ');
    });
  }

  /** Emits the chunk being filled, if it has any text. */
  finish(): void {
    const text = this.#text.trim();
    if (text !== '') this.#emit(text);
    this.#text = '';
    this.#words = 0;
  }

  #addPiece(text: string, words: number, separator: string): void {
    if (this.#text !== '' && this.#words + words > this.#size) {
      const previous = this.#text;
      this.finish();
      this.#text = lastWords(previous, Math.min(this.#overlap, this.#size - words));
      this.#words = countWords(this.#text);
    }
    this.#text = this.#text === '' ? text : `${this.#text}${separator}${text}`;
    this.#words += words;
  }
}
