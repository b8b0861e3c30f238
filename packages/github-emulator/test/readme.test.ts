import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../scripts/render-readme.js';

describe('the package README', () => {
  it('lists exactly the routes, webhook events and faults the emulator serves (regenerate with npm run -w @reposync/github-emulator readme)', async () => {
    const committed = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderReadme());
  });
});
