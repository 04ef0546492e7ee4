#!/usr/bin/env node
// `npx verdict …`: runs the TypeScript CLI through tsx, so the source tree needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/verdict.ts');
