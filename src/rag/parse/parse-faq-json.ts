import { paragraphBlocks } from './block-text.js';
import { invalidInput } from './errors.js';
import { FAQ_SHAPE, faqShapeProblem } from './json-shapes.js';
import type { FaqEntry } from './json-shapes.js';
import type { ParsedDocument } from './types.js';

/**
 * Parses FAQ JSON (an array of `{question, answer, url?}`): each entry is a document whose key
 * is its 0-based index, whose title is the question and whose body is the answer.
 */
export function parseFaqJson(value: unknown, fileName: string): ParsedDocument[] {
  const problem = faqShapeProblem(value);
  if (problem !== undefined) {
    throw invalidInput(`not FAQ JSON: expected ${FAQ_SHAPE} (${problem})`, fileName);
  }
  return (value as FaqEntry[]).map((entry, index) => {
    const document: ParsedDocument = {
      key: String(index),
      title: entry.question.trim() || `Question ${index}`,
      format: 'faq_json',
      blocks: paragraphBlocks(entry.answer),
    };
    if (typeof entry.url === 'string' && entry.url.trim()) document.url = entry.url.trim();
    return document;
  });
}
