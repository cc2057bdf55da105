/** One FAQ entry as the FAQ JSON format holds it. */
export interface FaqEntry {
  question: string;
  answer: string;
  url?: string;
}

/** The shape of a FAQ JSON file, as error messages name it. */
export const FAQ_SHAPE = 'an array of {question, answer, url?}';
/** The shape of a BEIR corpus line, as error messages name it. */
export const BEIR_SHAPE = 'JSON Lines of {_id, text, title?}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why `value` is not FAQ JSON, in words (`"entry 3 has no \"answer\" string"`), or `undefined`
 * when it is an array of `{question, answer, url?}`.
 */
export function faqShapeProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return isRecord(value) ? 'it is an object' : 'it is not an array';
  if (value.length === 0) return 'the array is empty';
  for (const [index, entry] of value.entries()) {
    if (!isRecord(entry)) return `entry ${index} is not an object`;
    if (typeof entry['question'] !== 'string') return `entry ${index} has no "question" string`;
    if (typeof entry['answer'] !== 'string') return `entry ${index} has no "answer" string`;
    const url = entry['url'];
    if (url !== undefined && url !== null && typeof url !== 'string') {
      return `entry ${index} has a "url" that is not a string`;
    }
  }
  return undefined;
}

/** One line of a BEIR `corpus.jsonl`. */
export interface BeirRecord {
  id: string;
  title: string;
  text: string;
}

/** The BEIR record on a line, or `undefined` when the value lacks an `_id` or a `text` string. */
export function toBeirRecord(value: unknown): BeirRecord | undefined {
  if (!isRecord(value)) return undefined;
  const id = value['_id'];
  const text = value['text'];
  const title = value['title'];
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof text !== 'string') {
    return undefined;
  }
  return { id: String(id), text, title: typeof title === 'string' ? title : '' };
}
