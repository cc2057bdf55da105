import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import type { CorrelationContext } from './context.js';
import { redactText, redactValue } from './redact.js';

/** The product's logger: pino. */
export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** `auto`: pretty when the standard stream written to is a terminal, JSON lines otherwise. */
  format?: 'auto' | 'json' | 'pretty';
  /** Where the lines go, in place of a standard stream. Tests pass a stream that keeps them. */
  destination?: DestinationStream;
  /**
   * The standard stream written to without a `destination`: stdout (1) by default; stderr (2)
   * for a command whose stdout is its result, written at once as the command may exit after.
   */
  fd?: 1 | 2;
  /** The correlation whose ids are added to every line written inside a request or turn. */
  correlation?: CorrelationContext;
  /** Fields on every line, such as the service name. */
  base?: Record<string, unknown>;
}

/**
 * Builds the JSON logger. Every line written inside `correlation.run(...)` carries `requestId` and
 * `sessionId` without the caller passing them; secrets and personal data in logged objects and
 * messages are redacted.
 *
 * @example
 * const log = createLogger({ level: 'info', correlation });
 * correlation.run({ requestId: 'r1' }, () => log.info({ email: 'a@b.co' }, 'hello'));
 */
export function createLogger(options: LoggerOptions): Logger {
  const correlation = options.correlation;
  const fd = options.fd ?? 1;
  const terminal = (fd === 2 ? process.stderr : process.stdout).isTTY === true;
  const usePretty =
    options.format === 'pretty' ||
    (options.format !== 'json' && options.destination === undefined && terminal);
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ colorize: true, sync: true, destination: fd })
      : pino.destination({ fd, sync: fd === 2 }));

  return pino(
    {
      level: options.level,
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      errorKey: 'err',
      // `formatters.log` has already turned every error into a redacted object with its class,
      // code and cause (see `redactValue`); pino's own serializer would take that object for an
      // error and name it "Object".
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      mixin: correlation
        ? () => {
            const ids = correlation.get();
            return ids ? { ...ids } : {};
          }
        : undefined,
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) {
            const arg = args[i];
            if (typeof arg === 'string') args[i] = redactText(arg);
          }
          method.apply(this, args);
        },
      },
    },
    destination,
  );
}
