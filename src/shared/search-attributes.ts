import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * The custom search attributes every reposync workflow carries, so an operator finds a tenant's,
 * a project's or a repository's runs — and the failed ones, by code — in the Temporal UI and with
 * `temporal workflow list --query`. A Temporal server accepts only attributes registered on it:
 * the embedded dev server and the compose stack register every key listed here.
 */
export const searchAttributes = {
  projectId: defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD),
  tenantId: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  /** `owner/repo`, as on GitHub. */
  repository: defineSearchAttributeKey('Repository', SearchAttributeType.KEYWORD),
  syncKind: defineSearchAttributeKey('SyncKind', SearchAttributeType.KEYWORD),
  /** The sync's current phase (see SyncPhase), kept up to date by the workflow. */
  syncPhase: defineSearchAttributeKey('SyncPhase', SearchAttributeType.KEYWORD),
  /** The error code the run's last sync failed with; absent while it has not failed. */
  lastErrorCode: defineSearchAttributeKey('LastErrorCode', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributes = Object.values(searchAttributes);

/** What a workflow run does, as its `SyncKind`. */
export type SyncKind = 'initial' | 'incremental' | 'outbound' | 'verify' | 'poll';

/** What a project's runs are labelled with, known from the project row when they start. */
export interface ProjectLabels {
  tenantId: string;
  owner: string;
  repo: string;
  /** The branch followed; null while the repository's default branch has not been read yet. */
  branch: string | null;
}

/** The search attributes and the UI summary (`owner/repo@branch`) a project's workflow starts with. */
export function projectRunLabels(projectId: string, kind: SyncKind, labels: ProjectLabels | undefined) {
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: searchAttributes.projectId, value: projectId },
    { key: searchAttributes.syncKind, value: kind },
  ];
  if (!labels) return { typedSearchAttributes };
  const repository = `${labels.owner}/${labels.repo}`;
  typedSearchAttributes.push({ key: searchAttributes.tenantId, value: labels.tenantId }, { key: searchAttributes.repository, value: repository });
  return { typedSearchAttributes, staticSummary: labels.branch ? `${repository}@${labels.branch}` : repository };
}
