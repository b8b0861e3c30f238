#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like the other entry points.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
