#!/usr/bin/env node
// The `swarmscope` executable: runs the TypeScript sources through tsx's loader (a runtime
// dependency), so `npx swarmscope` works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
