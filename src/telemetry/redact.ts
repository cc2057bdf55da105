/**
 * Redaction of secrets and personal data from what is logged or put on spans. Keys that name a
 * secret are masked whole; strings are scanned for e-mail addresses, phone numbers, card numbers,
 * API keys, the admin key, bearer tokens and secret query values. What the customer is shown is
 * never redacted: this is for logs and traces only.
 */

const SECRET_KEY =
  /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;
const PII_KEY = /^(e-?mail|phone|phone[-_]?number|mobile)$/i;
/**
 * Keys of the ids that tie a line to its request, session or trace: logged as they are, since a
 * UUID whose middle groups happen to be all digits reads like a phone number.
 */
const ID_KEY = /^(?:request|session|turn|trace|span|ticket|message|document|chunk)?[-_]?id$/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi;
// Provider-style keys: sk-..., pk_live_..., xoxb-..., ghp_..., AKIA..., and this product's own
// admin key (`sa_admin_` and 32 base64url characters when generated; ADMIN_API_KEY may be any
// string, and is masked wherever it is logged under a key that names it).
const API_KEY =
  /\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bgh[pousr]_[A-Za-z0-9]{20,}\b|\bAKIA[0-9A-Z]{16}\b|\bsa_admin_[A-Za-z0-9_-]{8,}/g;
// `name=value` where the name says the value is secret, in a query string (`?token=…`, the
// WebSocket's session token), a form body or a message: `token`, `access_token`, `api-key`, …
const KEY_VALUE =
  /\b((?:[A-Za-z]+[-_])?(?:api[-_]?key|key|token|secret|password|passwd|pwd|sig|signature|credentials?))=([^\s&"'#]+)/gi;
// Payment card numbers: 13 to 19 digits, together or in groups joined by single spaces or
// hyphens, starting as card schemes' numbers do (2 to 6). Unlike the chat's own check no Luhn
// test: a mistyped card number is still a card number, and a log loses little by a false match.
const CARD = /(?<![\w.,+-])[2-6](?:[ -]?\d){12,18}(?![\w-]|[.,]\d)/g;
// International (+44 20 7946 0958) or North American (415-555-0132) numbers, on word boundaries
// and not inside a run of groups joined by hyphens (the groups of a UUID) or by dots (an IPv4
// address such as 192.168.100.200, which the operator needs whole).
const PHONE =
  /(?<![\w+-]|\d\.)(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w-]|\.\d)/g;

// The user name and password of a URL: `https://user:secret@host/`.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"]+@/gi;

/** How many causes deep an error is followed in a log line. */
const MAX_CAUSES = 5;

/** `text` with the user name and password of every URL in it replaced. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@');
}

/**
 * Redacts URL passwords, e-mail addresses, card numbers (all but their last four digits), phone
 * numbers, API keys, the admin key, bearer tokens and secret `name=value` pairs inside a string.
 */
export function redactText(text: string): string {
  if (text.length < 6) return text;
  return (
    redactUrlCredentials(text)
      .replace(BEARER, 'Bearer [redacted]')
      .replace(KEY_VALUE, '$1=[redacted]')
      .replace(API_KEY, '[redacted key]')
      .replace(EMAIL, '[redacted email]')
      // Before phone numbers, whose pattern would otherwise take a card number's middle groups.
      .replace(CARD, (match) => `[redacted card ending ${match.replace(/\D/g, '').slice(-4)}]`)
      .replace(PHONE, '[redacted phone]')
  );
}

/**
 * A copy of `value` with secrets and personal data redacted, at any depth. Cycles and very deep
 * nesting are cut rather than followed.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Error) return redactError(value, depth, seen, 0);
  return redactEntries(Object.entries(value), {}, depth, seen);
}

/** `entries` redacted by key and value into `out`. */
function redactEntries(
  entries: Array<[string, unknown]>,
  out: Record<string, unknown>,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  for (const [key, v] of entries) {
    if (SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '') out[key] = '[redacted]';
    else if (PII_KEY.test(key) && typeof v === 'string') out[key] = '[redacted]';
    else if (ID_KEY.test(key) && typeof v === 'string') out[key] = v;
    else out[key] = redactValue(v, depth + 1, seen);
  }
  return out;
}

/**
 * An error as a log line shows it: its class (`type`), its `name` when that says more (a
 * `DOMException` named `TimeoutError`), message, `code`, stack, its other own fields (an
 * `AppError`'s `retryable`, a driver's `severity` or `errno`) and its `cause`, followed
 * {@link MAX_CAUSES} deep; all redacted. What the driver said and where is kept for the operator:
 * an `AppError` written for a client may hold the real reason only in its cause.
 */
function redactError(
  error: Error,
  depth: number,
  seen: WeakSet<object>,
  causes: number,
): Record<string, unknown> {
  const ctor = (error as { constructor?: unknown }).constructor;
  const type = typeof ctor === 'function' && ctor.name !== '' ? ctor.name : error.name;
  const out: Record<string, unknown> = { type };
  if (typeof error.name === 'string' && error.name !== type && error.name !== 'Error') {
    out.name = error.name;
  }
  out.message = redactText(String(error.message));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (typeof error.stack === 'string') out.stack = redactText(error.stack);
  const own = Object.entries(error).filter(
    ([key, v]) =>
      !['name', 'message', 'code', 'stack', 'cause'].includes(key) && typeof v !== 'function',
  );
  redactEntries(own, out, depth, seen);
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) out.errors = redactValue(errors, depth + 1, seen);
  if (error.cause !== undefined) {
    const cause = error.cause;
    if (causes >= MAX_CAUSES) out.cause = '[more causes]';
    else if (cause instanceof Error && !seen.has(cause)) {
      seen.add(cause);
      out.cause = redactError(cause, depth + 1, seen, causes + 1);
    } else out.cause = redactValue(cause, depth + 1, seen);
  }
  return out;
}
