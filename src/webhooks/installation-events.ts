import type { FleetRepository } from '../db/repositories/fleets.js';
import { listedRepository } from '../fleets/repository-selection.js';
import type { WebhookPayload } from './repository-events.js';

/** What an App installation event means for the fleets that follow the installation. */
export type InstallationChange =
  | { kind: 'relist'; installationId: number }
  | { kind: 'repositories-removed'; installationId: number; repositories: FleetRepository[] }
  | { kind: 'suspended' | 'unsuspended' | 'deleted'; installationId: number };

/**
 * Reads `installation_repositories` (added, removed) and `installation` (deleted, suspend,
 * unsuspend, new_permissions_accepted) deliveries; everything else, and a payload whose
 * installation id or repositories fail validation, is null (hostile until checked).
 */
export function installationChangeFor(event: string, payload: WebhookPayload): InstallationChange | null {
  const body = payload as unknown as { action?: unknown; installation?: { id?: unknown } | null; repositories_removed?: unknown };
  const installationId = body.installation?.id;
  if (typeof installationId !== 'number' || !Number.isSafeInteger(installationId) || installationId < 1) return null;
  if (event === 'installation_repositories') {
    if (body.action === 'added') return { kind: 'relist', installationId };
    if (body.action !== 'removed' || !Array.isArray(body.repositories_removed)) return null;
    const repositories = body.repositories_removed.map(fromFullName);
    if (repositories.some((r) => r === null)) return null;
    return { kind: 'repositories-removed', installationId, repositories: repositories as FleetRepository[] };
  }
  if (event === 'installation') {
    if (body.action === 'deleted') return { kind: 'deleted', installationId };
    if (body.action === 'suspend') return { kind: 'suspended', installationId };
    if (body.action === 'unsuspend') return { kind: 'unsuspended', installationId };
    if (body.action === 'new_permissions_accepted') return { kind: 'relist', installationId };
  }
  return null;
}

/** `{ full_name: "owner/name" }`, as installation events list repositories, checked like a listing's. */
function fromFullName(item: unknown): FleetRepository | null {
  const fullName = (item as { full_name?: unknown } | null)?.full_name;
  if (typeof fullName !== 'string') return null;
  const [owner, name, ...rest] = fullName.split('/');
  if (rest.length > 0) return null;
  const repository = listedRepository({ name, owner: { login: owner } });
  return repository ? { owner: repository.owner, repo: repository.repo } : null;
}
