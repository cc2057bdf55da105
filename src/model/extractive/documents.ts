import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { splitSentences, type Sentence } from './sentences.js';

/** A passage or an attachment, as the responder reads it. */
export interface Document {
  /** What its citation marker says: "1", "2" … or an attachment's name. */
  label: string;
  /** Its 1-based number in `sources`, for passages. */
  number?: number;
  title: string;
  headings: string[];
  units: Sentence[];
  /**
   * An attachment the customer asked about: its opening sentences answer a general question
   * ("what does this file say?") that shares no words with it.
   */
  summarise: boolean;
}

/**
 * Longest passage text read, in characters. Help-center chunks are a few hundred words; this
 * only bounds the time one turn can spend on a pasted or mis-chunked giant.
 */
export const MAX_DOCUMENT_CHARS = 200_000;

/** The passages, numbered as the caller numbers them. */
export function passageDocuments(sources: readonly RetrievedChunk[]): Document[] {
  return sources.map((chunk, i) => ({
    label: String(i + 1),
    number: i + 1,
    title: asText(chunk.title),
    headings: Array.isArray(chunk.headingPath) ? chunk.headingPath.map(asText) : [],
    units: splitSentences(asText(chunk.text).slice(0, MAX_DOCUMENT_CHARS)),
    summarise: false,
  }));
}

/** An attachment's preview text as a document cited by its name. */
export function attachmentDocument(label: string, preview: string, summarise: boolean): Document {
  return {
    label,
    // The file's name says what it is about ("invoice.pdf"), as a passage's title does.
    title: label,
    headings: [],
    units: splitSentences(asText(preview).slice(0, MAX_DOCUMENT_CHARS)),
    summarise,
  };
}

// The types say string, but passages come from storage and files: never throw on a null.
function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
