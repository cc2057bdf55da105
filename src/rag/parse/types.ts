import type { ParseLimits } from './limits.js';
import type { ParseWorkers } from './parse-workers.js';

/** The formats the knowledge base can ingest, as {@link detectFormat} names them. */
export type DocumentFormat =
  'markdown' | 'text' | 'html' | 'pdf' | 'docx' | 'csv' | 'faq_json' | 'beir_jsonl';

/** The kinds of structural block a document body is made of. */
export type BlockType = 'heading' | 'paragraph' | 'list_item' | 'table_row' | 'code';

/** One structural piece of a document body, in reading order. */
export interface Block {
  type: BlockType;
  /** Plain text: markup stripped, whitespace collapsed (`code` keeps its lines and indents). */
  text: string;
  /** Heading level 1-6, only for headings. */
  level?: number;
  /** A list item's number in a numbered list (the steps of a how-to), as the document gives it. */
  number?: number;
}

/** One document found in a file: most files hold one, FAQ and BEIR files hold one per entry. */
export interface ParsedDocument {
  /**
   * Stable key of this document within its file: `''` when the file is one document; the BEIR
   * `_id`; for FAQ JSON and FAQ-like CSV the 0-based row index as a string (`"0"`, `"1"`, …).
   */
  key: string;
  /**
   * First H1 / `<title>` / the Word document's first heading / PDF metadata `Title` or first
   * heading / FAQ question / BEIR title; else the file name without its extension.
   */
  title: string;
  format: DocumentFormat;
  /**
   * The body in reading order. Headings are included (an H1 that gave the title stays a heading
   * block too) because the chunker builds each chunk's heading path from them.
   */
  blocks: Block[];
  /** The FAQ entry's `url` (JSON field or CSV column), when given. */
  url?: string;
}

/** Options of {@link parseFile}. */
export interface ParseOptions {
  /** Refuse larger inputs with a `payload_too_large` error; default 50 MiB. */
  maxBytes?: number;
  /** How much one file may make the parsers read; `DEFAULT_PARSE_LIMITS` for those not given. */
  limits?: Partial<ParseLimits>;
  /**
   * Where the file is parsed (every file is, in a worker). Pass one made once with
   * `createParseWorkers` to bound how many are parsed at once across calls, and to reuse its
   * workers; without it, the call uses one set shared by every such call in the process, with
   * the default limits.
   */
  workers?: ParseWorkers;
  /** Stops the work; parsing then fails with a `cancelled` (or `timeout`) `AppError`. */
  signal?: AbortSignal;
}
