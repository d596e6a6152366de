// server-plugin/src/logger.ts
// The logging seam. Everything the plugin logs goes through one of these methods,
// with phone numbers already masked and never a code.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes `[phone-verify] …` lines to the console. */
export const consoleLogger: Logger = {
  info: (message) => console.info(`[phone-verify] ${message}`),
  warn: (message) => console.warn(`[phone-verify] ${message}`),
  error: (message) => console.error(`[phone-verify] ${message}`),
};
