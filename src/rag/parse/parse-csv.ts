import { parse } from 'csv-parse/sync';
import { paragraphBlocks } from './block-text.js';
import { invalidInput } from './errors.js';
import { fileExtension, fileStem } from './file-name.js';
import type { Block, ParsedDocument } from './types.js';

/** Header names (lower case) that make a CSV a FAQ, in order of preference. */
const QUESTION_COLUMNS = ['question', 'q', 'title'];
const ANSWER_COLUMNS = ['answer', 'a', 'text', 'body', 'content'];
const URL_COLUMNS = ['url', 'link', 'source'];

/**
 * Parses CSV (or TSV). With question and answer columns each row is its own document (key = the
 * 0-based row index, title = the question, body = the answer, `url` from a url column); any
 * other CSV is one document of `table_row` blocks written `header: value | header: value`.
 * A row with more or fewer values than the header is an error rather than a guess: it usually
 * means a comma inside a value that is not quoted, which would cut an answer short.
 */
export function parseCsv(text: string, fileName: string): ParsedDocument[] {
  const rows = readRows(text, fileName);
  const [header = [], ...records] = rows;
  const names = header.map((name) => name.toLowerCase());
  const question = findColumn(names, QUESTION_COLUMNS);
  const answer = findColumn(names, ANSWER_COLUMNS);
  if (question < 0 || answer < 0) return [tableDocument(header, records, fileName)];

  const url = findColumn(names, URL_COLUMNS);
  const documents: ParsedDocument[] = [];
  for (const [index, record] of records.entries()) {
    const title = record[question] ?? '';
    const body = record[answer] ?? '';
    if (title === '' && body === '') continue;
    const document: ParsedDocument = {
      key: String(index),
      title: title || `${fileStem(fileName)} #${index}`,
      format: 'csv',
      blocks: paragraphBlocks(body),
    };
    const link = url >= 0 ? record[url] : undefined;
    if (link) document.url = link;
    documents.push(document);
  }
  return documents;
}

function readRows(text: string, fileName: string): string[][] {
  // The line each record ends on, for messages that point at the right place.
  const lines: number[] = [];
  let rows: string[][];
  try {
    rows = parse(text, {
      delimiter: guessDelimiter(text, fileName),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    const message = describeCsvError(error, (lines.at(-1) ?? 0) + 1);
    throw invalidInput(`not a valid CSV file: ${message}`, fileName, error);
  }
  const width = rows[0]?.length ?? 0;
  for (const [index, record] of rows.entries()) {
    if (record.length !== width) {
      throw invalidInput(
        `not a valid CSV file: line ${lines[index]} has ${record.length} values but the header has ${width} (is there an unquoted comma in a value?)`,
        fileName,
      );
    }
  }
  return rows;
}

/**
 * Tab for `.tsv`; for `.csv` a semicolon when the header has more of them than commas, as Excel
 * writes CSV in many locales.
 */
function guessDelimiter(text: string, fileName: string): string {
  if (fileExtension(fileName) === 'tsv') return '\t';
  const end = text.indexOf('\n');
  const header = end < 0 ? text : text.slice(0, end);
  const count = (char: string): number => header.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

function describeCsvError(error: unknown, recordLine: number): string {
  const details = error as { code?: unknown; lines?: unknown; message?: unknown };
  const message = typeof details.message === 'string' ? details.message : String(error);
  if (details.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `a quoted value on line ${recordLine} is never closed`;
  }
  const line = typeof details.lines === 'number' ? details.lines : recordLine;
  return `line ${line} is malformed (${message})`;
}

function findColumn(names: readonly string[], candidates: readonly string[]): number {
  for (const candidate of candidates) {
    const index = names.indexOf(candidate);
    if (index >= 0) return index;
  }
  return -1;
}

function tableDocument(header: string[], records: string[][], fileName: string): ParsedDocument {
  const names = header.map((name, column) => name || `column ${column + 1}`);
  const blocks: Block[] = [];
  for (const record of records.length > 0 ? records : [header]) {
    const text = record
      .map((value, column) => (value && records.length > 0 ? `${names[column]}: ${value}` : value))
      .filter((cell) => cell !== '')
      .join(' | ');
    if (text) blocks.push({ type: 'table_row', text });
  }
  return { key: '', title: fileStem(fileName), format: 'csv', blocks };
}
