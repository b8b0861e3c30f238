import type { Db } from '../db/connection.js';
import type { MetadataSettings } from '../db/schema/projects.js';
import { commentsRepository } from '../db/repositories/comments.js';
import { issuesRepository } from '../db/repositories/issues.js';
import { refsRepository } from '../db/repositories/refs.js';
import { releasesRepository } from '../db/repositories/releases.js';
import { InvalidGitHubItemError, issueCommentFromGitHub, issueFromGitHub, pullRequestFromGitHub, releaseFromGitHub, reviewCommentFromGitHub } from '../metadata/github-items.js';
import type { BranchMove } from './branch-move-writer.js';
import { branchName, SHA, type WebhookPayload } from './repository-events.js';

export interface MetadataEventUpdate {
  /** The outcome the delivery is recorded with. */
  name: string;
  /** The project setting that must be on for the update to apply: a part switched off stays as it was. */
  setting: keyof MetadataSettings;
  apply(db: Db, projectId: string): Promise<void>;
  /** The payload cannot say what changed: the project's metadata sync reads it, conditionally. */
  reconcile?: true;
  /** A pushed branch, moved in the stored refs after the delivery is answered. */
  move?: BranchMove;
}


/**
 * What an `issues`, `issue_comment`, `pull_request`, `pull_request_review`,
 * `pull_request_review_comment` or `release` delivery changes in the stored metadata, validated field by field like a listing's items
 * (a payload is hostile until checked: one that fails validation changes nothing). Rows are
 * upserted newest-wins, so a redelivery or a listing that arrives later cannot undo a newer state.
 * Null for other events.
 */
export function metadataUpdateFor(event: string, payload: WebhookPayload): MetadataEventUpdate | null {
  const body = payload as unknown as Record<string, unknown>;
  const action = typeof body.action === 'string' ? body.action : '';
  try {
    switch (event) {
      case 'issues': {
        // Pinning changes nothing stored, and GitHub sends these issues without their state.
        if (action === 'pinned' || action === 'unpinned') return { name: 'issue-pin-ignored', setting: 'issues', apply: async () => {} };
        const issue = issueFromGitHub(body.issue);
        if (action === 'deleted') return { name: 'issue-deleted', setting: 'issues', apply: (db, id) => issuesRepository(db).remove(id, issue.number) };
        return { name: 'issue-stored', setting: 'issues', apply: async (db, id) => void (await issuesRepository(db).upsert(id, [issue])) };
      }
      case 'issue_comment': {
        const comment = issueCommentFromGitHub(body.comment);
        if (action === 'deleted') return { name: 'comment-deleted', setting: 'comments', apply: (db, id) => commentsRepository(db).remove(id, 'issue', comment.github_id) };
        return { name: 'comment-stored', setting: 'comments', apply: async (db, id) => void (await commentsRepository(db).upsert(id, [comment])) };
      }
      case 'pull_request_review_comment': {
        const comment = reviewCommentFromGitHub(body.comment);
        if (action === 'deleted') return { name: 'comment-deleted', setting: 'comments', apply: (db, id) => commentsRepository(db).remove(id, 'review', comment.github_id) };
        return { name: 'comment-stored', setting: 'comments', apply: async (db, id) => void (await commentsRepository(db).upsert(id, [comment])) };
      }
      case 'pull_request':
      case 'pull_request_review': {
        // The payload's pull request has no issue-comment count, so only its pull-request side is
        // stored here. A review moves the pull request's update time, and newest wins.
        const { pull } = pullRequestFromGitHub(body.pull_request);
        return { name: 'pull-request-stored', setting: 'pullRequests', apply: async (db, id) => void (await issuesRepository(db).upsertPullRequests(id, [pull])) };
      }
      case 'release': {
        const release = releaseFromGitHub(body.release);
        if (action === 'deleted') return { name: 'release-deleted', setting: 'releases', apply: (db, id) => releasesRepository(db).remove(id, release.github_id) };
        return { name: 'release-stored', setting: 'releases', apply: (db, id) => releasesRepository(db).upsert(id, [release]) };
      }
      default:
        return null;
    }
  } catch (error) {
    if (!(error instanceof InvalidGitHubItemError)) throw error;
    return { name: 'rejected-invalid-payload', setting: 'issues', apply: async () => {} };
  }
}

const ZERO_SHA = '0'.repeat(40);

/**
 * What a `push`, `create` or `delete` delivery changes in the stored refs, besides what it means
 * for the files: a deleted tag goes at once; a pushed branch moves from `before` to `after`, and a
 * deleted branch goes, both written after the answer in arrival order (see branch-move-writer.ts). A pushed tag (for an annotated
 * tag the push names the tag object, not the commit the stored tag stands for) and a `create`
 * (which names no commit) start the project's metadata sync, whose ref listings cost one request
 * each. Null when nothing changes.
 */
export function refUpdateFor(event: string, payload: WebhookPayload): MetadataEventUpdate | null {
  const body = payload as unknown as Record<string, unknown>;
  if (event === 'push' && typeof body.ref === 'string') {
    const [, kind, rawName] = /^refs\/(heads|tags)\/(.+)$/.exec(body.ref) ?? [];
    const name = branchName(rawName);
    const after = typeof body.after === 'string' && SHA.test(body.after) ? body.after : undefined;
    if (!name || !after) return null;
    const refKind = kind === 'heads' ? 'branch' : 'tag';
    if (body.deleted === true || after === ZERO_SHA) return removedRef(refKind, name);
    if (refKind === 'tag') return { name: 'tag-ref-reconciled', setting: 'refs', reconcile: true, apply: async () => {} };
    const before = body.created === true || typeof body.before !== 'string' || body.before === ZERO_SHA || !SHA.test(body.before) ? null : body.before;
    return { name: 'branch-ref-moved', setting: 'refs', move: { name, before, after }, apply: async () => {} };
  }
  if (event === 'create' && (body.ref_type === 'branch' || body.ref_type === 'tag') && branchName(body.ref)) {
    return { name: `${body.ref_type}-ref-reconciled`, setting: 'refs', reconcile: true, apply: async () => {} };
  }
  if (event === 'delete' && (body.ref_type === 'branch' || body.ref_type === 'tag')) {
    const name = branchName(body.ref);
    if (!name) return null;
    return removedRef(body.ref_type, name);
  }
  return null;
}

/** A deleted tag goes at once; a deleted branch goes in order with the moves queued before it. */
function removedRef(kind: 'branch' | 'tag', name: string): MetadataEventUpdate {
  if (kind === 'branch') return { name: 'branch-ref-removed', setting: 'refs', move: { name, before: null, after: null }, apply: async () => {} };
  return { name: 'tag-ref-removed', setting: 'refs', apply: (db, id) => refsRepository(db).remove(id, 'tag', name) };
}
