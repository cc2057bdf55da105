import { STOP_WORDS } from '../../store/lexical/stop-words.js';
import { words } from '../../rag/search/query-terms.js';
import { cleanValue } from './clean.js';
import { attachmentDocument, type Document } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { matchTerms } from './scoring.js';

/** A file given with the message, as the responder sees it. */
export interface Attachment {
  /** Its name, cleaned: what its source is called. */
  name: string;
  /** Whether the question is about it: then its preview is read like a passage. */
  asked: boolean;
  preview: string;
}

const MAX_NAME_CHARS = 80;
const MAX_ATTACHMENTS = 10;

// Words by which a question points at what was sent with it.
const POINTERS = new Set(
  `attach attached attaching attachment attachments file files document documents doc docs pdf
  upload uploaded uploading screenshot screenshots image images photo photos picture pictures scan
  scanned enclosed`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/**
 * The attachments, and whether the question is about each: it says "file", "attached",
 * "screenshot" …, or names a word of the file's name ("my invoice" for "invoice.pdf"), or there
 * is no question at all (the customer only sent a file).
 */
export function readAttachments(
  given: ReadonlyArray<{ name: string; preview: string }> | undefined,
  question: string,
): Attachment[] {
  if (!Array.isArray(given) || given.length === 0) return [];
  const asked = new Set(words(question.slice(0, 2000)));
  const pointed = question.trim() === '' || [...asked].some((w) => POINTERS.has(w));
  return given.slice(0, MAX_ATTACHMENTS).map((file, i) => {
    const name = cleanValue(file?.name, MAX_NAME_CHARS) || `attachment ${i + 1}`;
    const named = words(name.replace(/\.[a-z0-9]{1,5}$/i, '')).some(
      (w) => w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w) && asked.has(w),
    );
    return {
      name,
      asked: pointed || named,
      preview: typeof file?.preview === 'string' ? file.preview : '',
    };
  });
}

/**
 * The attachments the question is about, as documents to quote from, numbered from `first` in
 * the order given (the numbers after the passages': see `ExtractiveAnswer.cited`). A file whose
 * lines hold a word of the question other than those of its name ("total" of "What is the total
 * on my invoice?") answers with those lines; one that holds none is summarised by its opening
 * ("what does this file say?").
 */
export function attachmentDocuments(
  attachments: readonly Attachment[],
  terms: readonly QuestionTerm[],
  first: number,
): Document[] {
  return attachments.flatMap((a, k) => {
    if (!a.asked) return [];
    const document = attachmentDocument(a.name, a.preview, true, first + k);
    const named = matchTerms(a.name, terms);
    const answers = document.units.some((unit) =>
      [...matchTerms(unit.text, terms)].some((i) => !named.has(i) && terms[i]?.weak === false),
    );
    return [answers ? { ...document, summarise: false } : document];
  });
}
