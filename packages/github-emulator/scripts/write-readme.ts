/** Writes the package README from the emulator's tables: `npm run -w @reposync/github-emulator readme`. */
import { writeFile } from 'node:fs/promises';
import { renderReadme } from './render-readme.js';

await writeFile(new URL('../README.md', import.meta.url), renderReadme());
