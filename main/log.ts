// Main-process log: stacks of unexpected errors stay here and never reach the renderer.
export type Log = { info: (msg: string) => void; error: (msg: string, err?: unknown) => void };

export const consoleLog: Log = {
  info: (msg) => console.log(`[verdict] ${msg}`),
  error: (msg, err) => console.error(`[verdict] ${msg}`, err instanceof Error ? err.stack : (err ?? '')),
};

export const silentLog: Log = { info: () => {}, error: () => {} };
