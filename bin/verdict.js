#!/usr/bin/env node
// `npx verdict …`: runs the TypeScript CLI of this checkout through tsx, so the sources need no
// build step and the command never runs a stale build. tsx is a devDependency: the CLI is a tool
// of the source checkout (`npm ci` installs it), not part of the desktop installer, whose main
// process is a compiled bundle (vite.electron.config.ts) that needs no TypeScript runner.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  console.error('verdict: the command line runs from a source checkout with its dev dependencies; run `npm ci` there first.');
  process.exit(1);
}
register();
await import('../main/cli/verdict.ts');
