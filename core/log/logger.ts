import { mkdirSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';

/** Fields that may accompany a log event. Secrets never belong here. */
export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface LoggerOptions {
  /** Folder for `stratusd.log`; no file is written when absent. */
  logDir?: string;
  /** winston level: error, warn, info, debug. */
  level?: string;
  /** Also write warnings and errors to standard error. */
  console?: boolean;
}

const FIELD_NEEDS_QUOTES = /[\s"=]/;

function formatField(key: string, value: unknown): string {
  const text = String(value);
  return FIELD_NEEDS_QUOTES.test(text) ? `${key}=${JSON.stringify(text)}` : `${key}=${text}`;
}

const lineFormat = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  const rendered = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => formatField(key, value));
  return [timestamp, level, message, ...rendered].join(' ');
});

/**
 * Creates the winston logger that owns every line the daemon writes. Lines read
 * `TIME LEVEL EVENT key=value ...` so that they can be searched with grep.
 */
export function createWinstonLogger(options: LoggerOptions): winston.Logger {
  const transports: winston.transport[] = [];

  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true, mode: 0o750 });
    transports.push(
      new winston.transports.File({ filename: path.join(options.logDir, 'stratusd.log') }),
    );
  }

  if (options.console) {
    transports.push(
      new winston.transports.Console({ level: 'warn', stderrLevels: ['error', 'warn'] }),
    );
  }

  if (transports.length === 0) {
    transports.push(new winston.transports.Console({ silent: true }));
  }

  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), lineFormat),
    transports,
  });
}
