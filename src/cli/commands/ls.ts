import type { FileEntry } from '@reposync/client';
import { expectOk } from '../api-result.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { resolveProject } from '../resolve-project.js';

const PAGE = 1000;

/** The current snapshot's paths: all of them, or one path and everything under it. */
export async function ls(context: CommandContext, reference: string, path: string | undefined): Promise<void> {
  const client = await context.client();
  const project = await resolveProject(client, reference);
  const directory = path?.replace(/^\/+|\/+$/g, '') || undefined;
  const files: FileEntry[] = [];
  let commitSha: string | null = null;
  for (let cursor: string | undefined; ; ) {
    const query = { limit: PAGE, ...(directory ? { prefix: directory } : {}), ...(cursor ? { cursor } : {}) };
    const page = expectOk(await client.GET('/api/projects/{id}/files', { params: { path: { id: project.id }, query } }), `list files of ${project.owner}/${project.repo}`);
    commitSha = page.commitSha;
    // The API's prefix is a string prefix: `src` would also match `src2/`, which is not under src.
    files.push(...page.files.filter((file) => !directory || file.path === directory || file.path.startsWith(`${directory}/`)));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (context.json) return writeJson(context.io, { commitSha, files });
  for (const file of files) {
    const note = file.skipReason ? `  (skipped: ${file.skipReason})` : file.lfsPointer ? '  (LFS pointer)' : '';
    writeLine(context.io.stdout, `${file.mode}  ${String(file.size).padStart(10)}  ${file.path}${note}`);
  }
}
