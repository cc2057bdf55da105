import { collapseWhitespace, paragraphBlocks } from './block-text.js';
import { invalidInput } from './errors.js';
import { BEIR_SHAPE, toBeirRecord } from './json-shapes.js';
import type { ParsedDocument } from './types.js';

/** How many words of the text make the title of a record without one. */
const TITLE_WORDS = 10;

/**
 * Parses a BEIR `corpus.jsonl`: each line `{_id, text, title?}` is a document keyed by its
 * `_id`. A line that is not such a record, or repeats an `_id`, is an error naming the line.
 */
export function parseBeirJsonl(text: string, fileName: string): ParsedDocument[] {
  const documents: ParsedDocument[] = [];
  const seen = new Map<string, number>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const number = index + 1;
    const record = toBeirRecord(parseLine(line, number, fileName));
    if (!record) {
      throw invalidInput(`line ${number} is not a BEIR record: expected ${BEIR_SHAPE}`, fileName);
    }
    const earlier = seen.get(record.id);
    if (earlier !== undefined) {
      throw invalidInput(
        `line ${number} repeats the _id "${record.id}" of line ${earlier}`,
        fileName,
      );
    }
    seen.set(record.id, number);
    documents.push({
      key: record.id,
      title: collapseWhitespace(record.title) || firstWords(record.text) || record.id,
      format: 'beir_jsonl',
      blocks: paragraphBlocks(record.text),
    });
  }
  return documents;
}

function parseLine(line: string, number: number, fileName: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidInput(`line ${number} is not valid JSON (${reason})`, fileName, error);
  }
}

function firstWords(text: string): string {
  const words = collapseWhitespace(text).split(' ').filter(Boolean);
  const head = words.slice(0, TITLE_WORDS).join(' ');
  return words.length > TITLE_WORDS ? `${head}…` : head;
}
