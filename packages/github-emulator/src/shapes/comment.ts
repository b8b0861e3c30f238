import type { RepoHandle } from '../state/repo-store.js';
import type { IssueCommentRecord, ReviewCommentRecord } from '../types.js';
import { reactionsShape } from './issue.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

/** GitHub's `issue-comment` object: https://docs.github.com/rest/issues/comments#get-an-issue-comment */
export function issueCommentShape(urls: Urls, handle: RepoHandle, comment: IssueCommentRecord) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const url = `${api}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url,
    html_url: `${web}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userShape(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: 'OWNER',
    performed_via_github_app: null,
    reactions: reactionsShape(url),
  };
}

/**
 * GitHub's `pull-request-review-comment`: a comment on one line of a pull request's diff.
 * https://docs.github.com/rest/pulls/comments#get-a-review-comment-for-a-pull-request
 */
export function reviewCommentShape(urls: Urls, handle: RepoHandle, comment: ReviewCommentRecord) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const url = `${api}/pulls/comments/${comment.id}`;
  const htmlUrl = `${web}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  const pullUrl = `${api}/pulls/${comment.pullNumber}`;
  return {
    url,
    pull_request_review_id: null,
    id: comment.id,
    node_id: nodeId('PRRC', comment.id),
    diff_hunk: `@@ -${comment.line},1 +${comment.line},1 @@`,
    path: comment.path,
    position: comment.line,
    original_position: comment.line,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: userShape(urls, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: 'OWNER',
    _links: { self: { href: url }, html: { href: htmlUrl }, pull_request: { href: pullUrl } },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: 'RIGHT',
    subject_type: 'line',
    reactions: reactionsShape(url),
  };
}
