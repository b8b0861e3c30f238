import { answered, createBlob, writeTrees, type TreeRequestEntry } from '../github/git-writes.js';
import type { ReposyncOctokit } from '../github/octokit.js';
import { withOperationTrailer } from '../outbound/commit-marker.js';
import type { OutboundRequest, RecordedCommit } from '../outbound/outbound-request.js';
import { chunkTreeEntries, planChanges, type PlannedChange, type TreeFact } from '../outbound/tree-plan.js';
import { CorruptBlobError, type BlobStore } from '../storage/blob-store.js';
import { gitBlobSha } from '../storage/git-blob-hash.js';
import { permanentFailure } from './failures.js';

const BLOB_READ_CONCURRENCY = 16;

/** A commit to build on, with its entries for the changed paths. */
export interface CommitParent {
  sha: string;
  treeSha: string;
  entries: Map<string, TreeFact>;
}

/**
 * Writes the tree of the outbound changes on `parent` (creating blobs first where they must go
 * that way) and the commit that carries the operation's trailer; answers the commit, not yet
 * recorded and not yet on any branch.
 */
export async function buildOutboundCommit(options: {
  octokit: ReposyncOctokit;
  target: { owner: string; repo: string };
  blobs: BlobStore;
  operationId: string;
  request: OutboundRequest;
  changes: PlannedChange[];
  /** Blob SHAs GitHub is sure to hold, referenced instead of uploaded. */
  known: Set<string>;
  parent: CommitParent;
  /** Called after each change is written, so the heartbeat sees the work move. */
  onProgress(): void;
}): Promise<RecordedCommit> {
  const { octokit, target, blobs, operationId, request, changes, known, parent, onProgress } = options;
  const entries: TreeRequestEntry[] = [];
  const planned = planChanges(changes, parent.entries, known);
  const contents = await readContents(blobs, planned.filter(({ route }) => route === 'inline' || route === 'blob').map(({ change }) => change.sha!));
  for (const { change, route } of planned) {
    const mode = change.mode ?? parent.entries.get(change.path)?.mode ?? '100644';
    if (route === 'unchanged') continue;
    if (route === 'delete') entries.push({ path: change.path, mode, type: 'blob', sha: null });
    else if (route === 'reference') entries.push({ path: change.path, mode, type: 'blob', sha: change.sha });
    else {
      const content = contents.get(change.sha!)!;
      const text = content.toString('utf8');
      // Inline content is sent as a UTF-8 string: only bytes that survive the round trip may go that way.
      if (route === 'inline' && Buffer.from(text, 'utf8').equals(content)) entries.push({ path: change.path, mode, type: 'blob', content: text });
      else {
        const sha = await createBlob(octokit, target, content);
        if (sha !== change.sha) throw permanentFailure('integrity-mismatch', `${change.path}: GitHub stored the blob as ${sha}, not ${change.sha}`);
        entries.push({ path: change.path, mode, type: 'blob', sha });
      }
    }
    onProgress();
  }
  const treeSha = entries.length > 0 ? await writeTrees(octokit, target, parent.treeSha, chunkTreeEntries(entries)) : parent.treeSha;
  // The author date is fixed at request time, so a retry writes the very same commit object.
  const author = request.author ? { author: { ...request.author, date: request.requestedAt }, committer: { ...request.author, date: request.requestedAt } } : {};
  const { data } = await octokit.rest.git.createCommit({ ...target, message: withOperationTrailer(request.message, operationId), tree: treeSha, parents: [parent.sha], ...author });
  return { sha: answered(data?.sha, 'create a commit'), parentSha: parent.sha, treeSha };
}

/** The contents of the given blobs from the store, a few read at once. */
async function readContents(blobs: BlobStore, shas: string[]): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  const queue = [...new Set(shas)];
  await Promise.all(
    Array.from({ length: Math.min(BLOB_READ_CONCURRENCY, queue.length) }, async () => {
      for (let sha = queue.pop(); sha !== undefined; sha = queue.pop()) contents.set(sha, await readContent(blobs, sha));
    }),
  );
  return contents;
}

/**
 * A blob's content as stored, proved to be that blob before it can go into a commit: a stored copy
 * gone bad rejects with CorruptBlobError instead of wrong bytes reaching GitHub.
 */
async function readContent(blobs: BlobStore, sha: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await blobs.get(sha)) as AsyncIterable<Buffer>) chunks.push(chunk);
  const content = Buffer.concat(chunks);
  if (gitBlobSha(content) !== sha) throw new CorruptBlobError(sha, 'it hashes to another blob');
  return content;
}
