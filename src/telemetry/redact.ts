/**
 * Redaction of secrets and personal data from what is logged or put on spans. Keys that name a
 * secret are masked whole; strings are scanned for e-mail addresses, phone numbers, API keys and
 * bearer tokens. What the customer is shown is never redacted: this is for logs and traces only.
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
// Provider-style keys: sk-..., pk_live_..., xoxb-..., ghp_..., AKIA... and key=value pairs.
const API_KEY =
  /\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bgh[pousr]_[A-Za-z0-9]{20,}\b|\bAKIA[0-9A-Z]{16}\b/g;
const KEY_VALUE = /\b(api[-_]?key|access[-_]?token|secret|password)=([^\s&"']+)/gi;
// International (+44 20 7946 0958) or North American (415-555-0132) numbers, on word boundaries
// and not inside a run of groups joined by hyphens (the groups of a UUID).
const PHONE =
  /(?<![\w+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w-])/g;

// The user name and password of a URL: `https://user:secret@host/`.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"]+@/gi;

/** `text` with the user name and password of every URL in it replaced. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@');
}

/**
 * Redacts URL passwords, e-mail addresses, phone numbers, API keys and bearer tokens inside a
 * string.
 */
export function redactText(text: string): string {
  if (text.length < 6) return text;
  return redactUrlCredentials(text)
    .replace(BEARER, 'Bearer [redacted]')
    .replace(KEY_VALUE, '$1=[redacted]')
    .replace(API_KEY, '[redacted key]')
    .replace(EMAIL, '[redacted email]')
    .replace(PHONE, '[redacted phone]');
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
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack && redactText(value.stack),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '') out[key] = '[redacted]';
    else if (PII_KEY.test(key) && typeof v === 'string') out[key] = '[redacted]';
    else if (ID_KEY.test(key) && typeof v === 'string') out[key] = v;
    else out[key] = redactValue(v, depth + 1, seen);
  }
  return out;
}
