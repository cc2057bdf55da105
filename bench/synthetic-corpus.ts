import { STOP_WORDS } from '../src/store/lexical/stop-words.js';

/**
 * A deterministic synthetic help-center corpus. Words follow Zipf's law (frequency ∝ 1/rank, as
 * in natural language) over a vocabulary whose most frequent ranks are real English function
 * words and the rest made-up content words; titles and queries are questions ("how do I …",
 * "what is …") over the content words, as customers write them.
 */
export class SyntheticCorpus {
  readonly #vocabulary: string[];
  readonly #cumulative: Float64Array;
  #seed: number;

  constructor(seed = 1, vocabularySize = 30_000) {
    this.#seed = seed;
    const functionWords = [...STOP_WORDS].filter((w) => /^[a-z]{2,}$/.test(w));
    const content = Array.from(
      { length: vocabularySize - functionWords.length },
      (_, i) => `${syllables(i)}`,
    );
    this.#vocabulary = [...functionWords, ...content];
    this.#cumulative = new Float64Array(this.#vocabulary.length);
    let sum = 0;
    for (let rank = 0; rank < this.#vocabulary.length; rank++) {
      sum += 1 / (rank + 1);
      this.#cumulative[rank] = sum;
    }
    for (let i = 0; i < this.#cumulative.length; i++) this.#cumulative[i]! /= sum;
  }

  /** A number in [0, 1) from a fixed sequence. */
  random(): number {
    this.#seed = (this.#seed * 1_664_525 + 1_013_904_223) >>> 0;
    return this.#seed / 2 ** 32;
  }

  /** One word drawn by Zipf's law. */
  word(): string {
    const r = this.random();
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return this.#vocabulary[lo]!;
  }

  /** A content word (not a function word), drawn by Zipf's law. */
  contentWord(): string {
    for (;;) {
      const w = this.word();
      if (!STOP_WORDS.has(w)) return w;
    }
  }

  text(words: number): string {
    return Array.from({ length: words }, () => this.word()).join(' ');
  }

  /** A question: a common opening and two to four content words. */
  question(): string {
    const openings = [
      'how do i',
      'what is the',
      'can i',
      'why does my',
      'where can i find the',
      'how long does',
    ];
    const opening = openings[Math.floor(this.random() * openings.length)]!;
    const n = 2 + Math.floor(this.random() * 3);
    return `${opening} ${Array.from({ length: n }, () => this.contentWord()).join(' ')}?`;
  }
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'vo',
  'shi',
  'pe',
  'gu',
  'da',
  'ze',
  'fo',
  'bi',
  'xu',
  'ra',
];

function syllables(n: number): string {
  let word = '';
  let x = n + 16;
  while (x > 0) {
    word += SYLLABLES[x % 16];
    x = Math.floor(x / 16);
  }
  return word;
}
