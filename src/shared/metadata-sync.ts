import { defineSignal } from '@temporalio/workflow';
import type { MetadataSettings } from '../db/schema/projects.js';
import type { MetadataPhase } from '../db/schema/sync-states.js';

export type { MetadataPhase } from '../db/schema/sync-states.js';

/** The project's metadata sync runs beside its writer and never touches files, so the two cannot race. */
export const metadataSyncWorkflowId = (projectId: string) => `metadata/${projectId}`;

/**
 * Sent to a running metadata sync when something changed that its phases may already have read
 * past: it runs every phase once more after the current pass.
 */
export const metadataChangedSignal = defineSignal('metadataChanged');

/**
 * Phases in the order they run: refs first (commits walk back from them), then commits, issues
 * with pull requests, comments, releases. Counts are derived from the stored rows when read.
 */
export const METADATA_PHASES: readonly MetadataPhase[] = ['branches', 'tags', 'commits', 'issues', 'pulls', 'comments', 'reviewComments', 'releases'];

/** Which setting switches each phase on or off. */
export const PHASE_SETTING: Record<MetadataPhase, keyof MetadataSettings> = {
  branches: 'refs',
  tags: 'refs',
  commits: 'commits',
  issues: 'issues',
  pulls: 'pullRequests',
  comments: 'comments',
  reviewComments: 'comments',
  releases: 'releases',
};

/** True when the project syncs that part of the metadata (every part is on unless switched off). */
export function metadataEnabled(settings: MetadataSettings | null | undefined, setting: keyof MetadataSettings): boolean {
  return settings?.[setting] !== false;
}

const SETTINGS = [...new Set(Object.values(PHASE_SETTING))];

/** True when the project syncs any part of the metadata at all. */
export function anyMetadataEnabled(settings: MetadataSettings | null | undefined): boolean {
  return SETTINGS.some((setting) => metadataEnabled(settings, setting));
}

export interface MetadataSyncInput {
  projectId: string;
  maximumAttempts?: number;
  /** Only these phases, in their usual order (a pushed ref needs its listing and the commit walk, not the issues); all when absent. */
  phases?: MetadataPhase[];
}

/** What a moved, created or unknown ref needs read again: the ref listings and the commit walk. */
export const REF_PHASES: readonly MetadataPhase[] = ['branches', 'tags', 'commits'];

export interface MetadataPhaseInput {
  projectId: string;
  phase: MetadataPhase;
}

export interface MetadataPhaseResult {
  phase: MetadataPhase;
  /** Switched off by the project's `metadata` setting: no request was made. */
  skipped: boolean;
  /** GitHub requests made, and how many of them were answered 304 Not Modified. */
  requests: number;
  notModified: number;
  rowsWritten: number;
  /** Items GitHub sent that failed validation and were not stored. */
  rejected: number;
}

export interface MetadataSyncResult {
  phases: MetadataPhaseResult[];
}
