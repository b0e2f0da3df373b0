/** The local runtime's own messages (not the functions' JSON logs): short lines on stderr. */
export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleRuntimeLog: RuntimeLog = {
  info: (message) => process.stderr.write(`[local] ${message}\n`),
  warn: (message) => process.stderr.write(`[local] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[local] error: ${message}\n`),
};
