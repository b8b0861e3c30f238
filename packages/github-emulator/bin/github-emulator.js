#!/usr/bin/env node
// The emulator is TypeScript run through tsx, like reposync's own entry points.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
