import pino, { type Logger } from 'pino';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/** Structured JSON logs for every process; secrets never reach them (keys are not logged). */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, redact: ['*.apiKey', '*.authorization', 'headers.authorization'] });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's runtime and worker logs, routed into the same pino stream as ours. */
export function temporalLoggerFor(logger: Logger): DefaultLogger {
  const level = (logger.level.toUpperCase() as LogLevel) in LEVELS ? (logger.level.toUpperCase() as LogLevel) : 'INFO';
  return new DefaultLogger(level, (entry: LogEntry) => {
    logger[LEVELS[entry.level]]({ ...entry.meta, source: 'temporal' }, entry.message);
  });
}
