/** The least time the files of one message are read within: the default, for files given 30 s. */
const LEAST_READ_BUDGET_MS = 50_000;
/**
 * What the files of a message are given beyond the time of one file: the time to wait for a
 * place among the parses, to start a worker, and to read the files after a slow one.
 */
const READ_MARGIN_MS = 20_000;
/** The tool's own timeout, the least: the default, when files are read within 50 s. */
const LEAST_TOOL_TIMEOUT_MS = 60_000;
/**
 * What the tool's timeout leaves after the files are read within their time: the last file's
 * passages are still to be stored, and the summaries to be returned.
 */
const STORE_MARGIN_MS = 10_000;
/** The most a tool's timeout may be (`toolPolicySchema`): the registry refuses more. */
const MOST_TOOL_TIMEOUT_MS = 600_000;

/**
 * The time the files of one message are read within, in ms, when the time one file may take is
 * `parseTimeoutMs` (`PARSE_TIMEOUT_MS`, counted from when its worker begins it): that time and
 * 20 s more, and at least 50 s (50 s for the default 30 s). A file that takes its whole time is
 * read, and leaves the files after it some time of their own; those it did not leave time for
 * are reported as not read, rather than the tool's timeout taking the summaries of every file of
 * the message. A help center that gives a long PDF two minutes gives it two minutes when a
 * customer attaches it too — up to the tool's most timeout, 10 minutes.
 */
export function readBudgetFor(parseTimeoutMs: number): number {
  return Math.min(
    Math.max(LEAST_READ_BUDGET_MS, parseTimeoutMs + READ_MARGIN_MS),
    MOST_TOOL_TIMEOUT_MS - STORE_MARGIN_MS,
  );
}

/**
 * The attachments tool's own timeout when its files are read within `readBudgetMs`: time for
 * the last file's passages to be stored after it, and at least 60 s. Configuration
 * (`tools.overrides.attachments.timeoutMs`) may still set another.
 */
export function toolTimeoutFor(readBudgetMs: number): number {
  return Math.min(
    Math.max(LEAST_TOOL_TIMEOUT_MS, readBudgetMs + STORE_MARGIN_MS),
    MOST_TOOL_TIMEOUT_MS,
  );
}
