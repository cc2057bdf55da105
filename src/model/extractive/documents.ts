import type { RetrievedChunk } from '../../rag/search/retriever.js';
import type { LongSentence } from './quote.js';
import { splitSentences, type Sentence } from './sentences.js';

/**
 * A text question words are found in: a sentence, or a passage's title and headings. What is
 * learnt of it is kept with it, as long as the passage is (see {@link PassageCache}).
 */
export interface Searchable {
  /** The text NFKC-normalised and lowercased, as question terms are matched in it. */
  readonly searchText: string;
  /**
   * Whether it holds a question word, by the word's stem, for the words asked of it lately;
   * undefined until first asked.
   */
  holds?: Map<string, boolean> | undefined;
}

/**
 * A sentence of a document, with what takes a pass over its text to learn, learnt once: a
 * passage's units are kept from one turn to the next (see {@link PassageCache}).
 */
export interface Unit extends Sentence, Searchable {
  /** Whether it reads as instructions to an assistant; undefined until first asked. */
  injection: boolean | undefined;
  /** Whether it states a number, a duration or a price; undefined until first asked. */
  quantity: boolean | undefined;
  /** Whether it states a time or a duration; undefined until first asked. */
  time: boolean | undefined;
  /** Whether it states a price; undefined until first asked. */
  price?: boolean | undefined;
  /** Whether it states how often ("every month", "once a year"); undefined until first asked. */
  frequency?: boolean | undefined;
  /** Whether it states days or times of day (a timetable); undefined until first asked. */
  schedule?: boolean | undefined;
  /** Whether it says what to do about a problem; undefined until first asked. */
  remedy: boolean | undefined;
  /** Whether it says where to go or what to press; undefined until first asked. */
  instruction: boolean | undefined;
  /** Its words of three letters or more, to tell near-duplicates; undefined until first asked. */
  longWords: ReadonlySet<string> | undefined;
  /**
   * Whether a word that makes a case of its own ("international", "express") occurs in it, even
   * inside another word; undefined until first asked.
   */
  special?: boolean | undefined;
  /** How many words it holds (see `wordCount`); undefined until first asked. */
  words?: number | undefined;
  /** Where the words of a long sentence lie, to quote a window of it; undefined until first asked. */
  long?: LongSentence | undefined;
  /**
   * The passage's own heading, which states a price, a percentage or a time of day that its
   * text may not repeat (see {@link headingStates}), read as its first sentence for a question
   * that asks for one ("how much is Core?").
   */
  fromHeading?: true;
}

/** A passage or an attachment, as the responder reads it. */
export interface Document {
  /** What its citation marker says: "1", "2" … or an attachment's name. */
  label: string;
  /** Its 1-based number in `sources`, for passages. */
  number?: number;
  title: string;
  /** What it is part of: passages of one help-center article share it. */
  article: string;
  headings: string[];
  /** Its title and headings as one text (see {@link headsOf}), kept with a passage read before. */
  heads?: Searchable;
  units: readonly Unit[];
  /**
   * An attachment the customer asked about: its opening sentences answer a general question
   * ("what does this file say?") that shares no words with it.
   */
  summarise: boolean;
  /** A file the customer attached: its title is the file's name, which says only which file. */
  file?: true;
}

/**
 * Longest passage text read, in characters. Help-center chunks are a few hundred words; this
 * only bounds the time one turn can spend on a pasted or mis-chunked giant.
 */
export const MAX_DOCUMENT_CHARS = 200_000;

/** Passages kept read by default: some megabytes of help-center text. */
const DEFAULT_CAPACITY = 4_000;

/**
 * The passages read lately: a passage's sentences depend on its text alone, and the passages
 * that answer common questions come back turn after turn. Kept by chunk id, and used only while
 * the chunk's text is the same (a chunk may be ingested again with new text). Holds at most
 * `capacity` passages, forgetting the least recently used first.
 *
 * @example
 * const passages = new PassageCache();
 * composeExtractiveAnswer(input, { passages });
 */
export class PassageCache {
  readonly #entries = new Map<number, PassageEntry>();

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    }
  }

  /** The units of a chunk's text, read now or kept from an earlier turn. */
  units(chunkId: number, text: string): readonly Unit[] {
    let entry = this.#entries.get(chunkId);
    if (entry !== undefined && entry.text === text) {
      // A Map iterates in insertion order: re-inserting makes the entry the most recent.
      this.#entries.delete(chunkId);
    } else {
      entry = { text, units: readUnits(text) };
      if (!this.#entries.delete(chunkId) && this.#entries.size >= this.capacity) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
    this.#entries.set(chunkId, entry);
    return entry.units;
  }

  /**
   * The title and headings of a chunk read with {@link units} (`joined` as {@link headsOf} joins
   * them), kept with its units while they are the same.
   */
  heads(chunkId: number, joined: string): Searchable {
    const entry = this.#entries.get(chunkId);
    if (entry === undefined) return { searchText: searchable(joined) };
    if (entry.heads?.joined !== joined) {
      entry.heads = { joined, searchable: { searchText: searchable(joined) } };
    }
    return entry.heads.searchable;
  }
}

interface PassageEntry {
  text: string;
  units: readonly Unit[];
  heads?: { joined: string; searchable: Searchable };
}

/** A document's title and headings as one text: the words that stand over all its sentences. */
export function headsOf(document: Pick<Document, 'title' | 'headings'>): string {
  return [document.title, ...document.headings].join(' \n ');
}

/** An amount of money: "£34.99", "$5", "50p", "10 EUR", "20 dollars". */
/** A phone number: seven digits or more in groups ("0330 555 0100", "1-888-555-0144"). */
const PHONE_NUMBER = /(?<![\d$£€.,])\+?\(?\d{1,5}\)?(?:[ -]?\d{2,5}){2,4}(?![\d%])/g;

/** Whether a sentence states a phone number. */
export function statesPhoneNumber(text: string): boolean {
  for (const m of text.matchAll(PHONE_NUMBER)) {
    if (m[0].replace(/\D/g, '').length >= 7) return true;
  }
  return false;
}

export const MONEY =
  /[$£€¥₹]\s?\d|\d(?:[.,]\d+)?\s?(?:p|pence|cents?|dollars?|pounds?|euros?|usd|gbp|eur)\b/i;

/** An amount of money, a percentage or a time of day ("6am", "10:00"). */
const STATEMENT = new RegExp(
  `${MONEY.source}|\\d(?:[.,]\\d+)?\\s?(?:%|percent\\b)|\\b\\d{1,2}(?::\\d{2})?\\s?(?:am|pm)\\b|\\b\\d{1,2}:\\d{2}\\b`,
  'i',
);

/**
 * Whether a heading states something its section may not repeat — a price, a percentage, a
 * time of day ("Core – £34.99 a month", "Opening hours: 6am to 10pm") — rather than only naming
 * it ("Refunds", "Leaving a 12-month commitment early").
 */
export function headingStates(heading: string): boolean {
  return STATEMENT.test(heading);
}

/** The passage's units, after its own heading when that states something. */
function withStatingHeading(headings: readonly string[], units: readonly Unit[]): readonly Unit[] {
  const own = headings.at(-1);
  if (own === undefined || !headingStates(own)) return units;
  const heading = readUnits(own.slice(0, 500))[0];
  if (heading === undefined) return units;
  return [{ ...heading, list: false, step: false, heading: false, fromHeading: true }, ...units];
}

/**
 * The passages, numbered as the caller numbers them; read through `cache` when given. With
 * `statingHeadings` (the question asks for a price, an amount or a time), a passage whose own
 * heading states one starts with it.
 */
export function passageDocuments(
  sources: readonly RetrievedChunk[],
  cache?: PassageCache,
  statingHeadings = false,
): Document[] {
  return sources.map((chunk, i) => {
    const text = asText(chunk.text).slice(0, MAX_DOCUMENT_CHARS);
    const headings = Array.isArray(chunk.headingPath) ? chunk.headingPath.map(asText) : [];
    const title = asText(chunk.title);
    const kept = cache && typeof chunk.chunkId === 'number' ? chunk.chunkId : undefined;
    const read = kept !== undefined ? (cache as PassageCache).units(kept, text) : readUnits(text);
    const units = withoutCutStart(read);
    return {
      label: String(i + 1),
      number: i + 1,
      title,
      article: typeof chunk.documentId === 'string' ? chunk.documentId : title,
      headings,
      ...(kept !== undefined
        ? { heads: (cache as PassageCache).heads(kept, headsOf({ title, headings })) }
        : {}),
      units: statingHeadings ? withStatingHeading(headings, units) : units,
      summarise: false,
    };
  });
}

/**
 * The units of a passage without a first one that starts mid-sentence. A passage after the first
 * of its document opens with the last words of the one before (the chunker's overlap), often in
 * the middle of a sentence ("the order ships. Refunds take …"): quoted, the fragment would begin
 * mid-way, and the passage before holds the sentence whole. Such an opening starts with a word all
 * in lower case ("iPhone" and "eSIM" start sentences); a passage of that unit alone keeps it.
 */
function withoutCutStart(units: readonly Unit[]): readonly Unit[] {
  const first = units[0];
  if (first === undefined || units.length < 2 || first.list || first.heading) return units;
  const word = /^\S+/.exec(first.text)?.[0] ?? '';
  return /^\p{Ll}/u.test(word) && !/\p{Lu}/u.test(word) ? units.slice(1) : units;
}

/**
 * An attachment's preview text as a document, named `label` (its file name) and cited as
 * `number` (see `ExtractiveAnswer.cited`): its lines are read as a passage's paragraphs.
 */
export function attachmentDocument(
  label: string,
  preview: string,
  summarise: boolean,
  number?: number,
): Document {
  return {
    label,
    ...(number === undefined ? {} : { number }),
    // The file's name says what it is about ("invoice.pdf"), as a passage's title does.
    title: label,
    article: `attachment:${label}`,
    headings: [],
    units: readUnits(asText(preview).slice(0, MAX_DOCUMENT_CHARS)),
    summarise,
    file: true,
  };
}

function readUnits(text: string): Unit[] {
  return splitSentences(text).map((s) => ({
    text: s.text,
    list: s.list,
    step: s.step === true,
    ...(s.label === undefined ? {} : { label: s.label }),
    heading: s.heading,
    question: s.question,
    searchText: searchable(s.text),
    injection: undefined,
    quantity: undefined,
    time: undefined,
    remedy: undefined,
    instruction: undefined,
    longWords: undefined,
    special: undefined,
    holds: undefined,
    words: undefined,
    long: undefined,
  }));
}

const NON_ASCII = /[^\t\n\r\u0020-\u007e]/;

/** `text` NFKC-normalised and lowercased, as `words` reads it (ASCII needs no normalising). */
export function searchable(text: string): string {
  return (NON_ASCII.test(text) ? text.normalize('NFKC') : text).toLowerCase();
}

// The types say string, but passages come from storage and files: never throw on a null.
function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
