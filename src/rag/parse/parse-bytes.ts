import { sniffFormat } from './detect-format.js';
import type { ParseLimits } from './limits.js';
import { parseBeirJsonl } from './parse-beir-jsonl.js';
import { parseCsv } from './parse-csv.js';
import { parseDocx } from './parse-docx.js';
import { parseFaqJson } from './parse-faq-json.js';
import { parseHtml } from './parse-html.js';
import { parseMarkdown } from './parse-markdown.js';
import { parsePdf } from './parse-pdf.js';
import { parseText } from './parse-text.js';
import type { ParsedDocument } from './types.js';

/**
 * Detects the format of a file and parses it, where this runs: every file the product reads goes
 * through a parse worker (see `createParseWorkers`), a process of its own, which calls this.
 */
export async function parseBytes(
  bytes: Uint8Array,
  fileName: string,
  limits: ParseLimits,
  signal?: AbortSignal,
): Promise<ParsedDocument[]> {
  const sniffed = sniffFormat(bytes, fileName);
  switch (sniffed.format) {
    case 'pdf':
      return [await parsePdf(bytes, fileName, limits, signal)];
    case 'docx':
      return [await parseDocx(bytes, fileName, limits, signal)];
    case 'faq_json':
      return parseFaqJson(sniffed.json, fileName);
    case 'beir_jsonl':
      return parseBeirJsonl(sniffed.text, fileName);
    case 'csv':
      return parseCsv(sniffed.text, fileName);
    case 'html':
      return [parseHtml(sniffed.text, fileName)];
    case 'markdown':
      return [parseMarkdown(sniffed.text, fileName)];
    case 'text':
      return [parseText(sniffed.text, fileName)];
  }
}
