/**
 * OutboundSync (`outbound-sync/<projectId>/<operationId>`) commits edits made on our side back to
 * GitHub. The API records the operation and its changes (contents already in the blob store)
 * before it asks the project's writer to run it, so workflow payloads carry only ids.
 */

/**
 * How edits reach GitHub, a project's setting and each edit's choice: `direct_commit` commits to
 * the branch; `protected_pr` opens a pull request; `hybrid` picks. The API's schemas and the
 * database type are built from this list.
 */
export const SYNC_MODES = ['direct_commit', 'protected_pr', 'hybrid'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Regular file, executable, symbolic link (GitHub's tree modes); the API's schema is built from this list. */
export const OUTBOUND_FILE_MODES = ['100644', '100755', '120000'] as const;
export type OutboundFileMode = (typeof OUTBOUND_FILE_MODES)[number];

export interface OutboundSyncInput {
  projectId: string;
  operationId: string;
  maximumAttempts?: number;
  /** Seconds the commit may take before it stops and records `timed-out` (default: two hours). */
  deadlineSeconds?: number;
}

/** How an outbound operation ended on GitHub. */
export type OutboundOutcome =
  | {
      kind: 'commit';
      branch: string;
      commitSha: string;
      /** The commit our changes were applied on (the branch head we read). */
      parentSha: string;
      /** True when someone pushed after the edit's base and the commit was built on their head. */
      rebuilt: boolean;
      /** True when the branch already held every change: no commit was made, `commitSha` is the head that holds them. */
      noChange?: true;
    }
  | {
      kind: 'pull-request';
      branch: string;
      /** The pull request's head branch, `reposync/<operationId>`. */
      headBranch: string;
      commitSha: string;
      parentSha: string;
      number: number;
      url: string;
      /**
       * Paths changed both here and on GitHub since the edit's base (the reason for the PR, if
       * any): the first `PAYLOAD_LIST_LIMIT` of them; the operation's `conflicts` holds them all.
       */
      conflicts: string[];
      /** How many paths conflict in all. */
      conflictCount: number;
      /** Why a pull request rather than a direct commit. */
      reason: 'mode' | 'protected' | 'conflict';
    };

export interface OutboundSyncResult {
  operationId: string;
  outcome: OutboundOutcome;
  /** True when our snapshot now holds the new commit (the echo push imports nothing). */
  snapshotMoved: boolean;
}

/**
 * The most entries a list carried in a workflow payload (an activity's result, a workflow's
 * result) may hold: payloads and the history that records them stay small however large the
 * edit; the full list is stored in the database and served by the API.
 */
export const PAYLOAD_LIST_LIMIT = 100;

/** The trailer that marks a commit as the work of one operation: looked for before creating another. */
export const OPERATION_TRAILER = 'Reposync-Operation';

/** The branch a pull request of an operation comes from. */
export const outboundBranch = (operationId: string) => `reposync/${operationId}`;
