import { covers, type InstallationChange, type InstallationRecord } from '../auth/app-admin.js';
import type { EmulatorCore } from '../core.js';
import { APP_EVENTS, installationShape } from '../shapes/installation.js';
import { nodeId, userShape } from '../shapes/user.js';
import { stableId, type RepoHandle } from '../state/repo-store.js';
import type { WebhookEvent } from './events.js';
import type { DeliveryTarget } from './webhook-deliveries.js';

/** Installation changes made through the admin helpers are made by the emulator's admin user. */
const SENDER = 'emulator-admin';

interface AppDelivery {
  target: DeliveryTarget;
  installation: InstallationRecord;
}

/**
 * Delivers an installation change to the App's webhook (installation events go to the App, never
 * to repository hooks). `installation` events list the repositories the installation covers;
 * `installation_repositories` sends one `added` and one `removed` delivery for what the change
 * gave and took, and nothing while the installation is suspended, since a suspended App hears
 * nothing from the account but its suspension.
 * https://docs.github.com/webhooks/webhook-events-and-payloads#installation
 */
export async function deliverInstallationChange(core: EmulatorCore, change: InstallationChange): Promise<void> {
  const { installation } = change;
  const target = appTarget(core, installation.appId, 0);
  if (!target) return;
  const repositories = await accountRepositories(core, installation.account);
  if (change.event === 'installation') {
    const covered = repositories.filter((h) => covers(installation, h.owner, h.name)).map(briefRepository);
    await core.webhooks.send(target, 'installation', { action: change.action, ...commonFields(core, installation), repositories: covered });
    return;
  }
  const before = new Set(repositories.filter((h) => covers({ ...installation, repositories: change.before }, h.owner, h.name)));
  const after = new Set(repositories.filter((h) => covers(installation, h.owner, h.name)));
  await sendRepositoriesChange(core, installation, 'added', [...after].filter((h) => !before.has(h)));
  await sendRepositoriesChange(core, installation, 'removed', [...before].filter((h) => !after.has(h)));
}

/**
 * A deleted repository that installations had selected is no longer theirs: each hears
 * `installation_repositories` `removed` (GitHub sends no `repository` `deleted` to Apps).
 */
export async function deliverRepositoryGone(core: EmulatorCore, installations: InstallationRecord[], handle: RepoHandle): Promise<void> {
  await Promise.all(installations.map((installation) => sendRepositoriesChange(core, installation, 'removed', [handle])));
}

async function sendRepositoriesChange(core: EmulatorCore, installation: InstallationRecord, action: 'added' | 'removed', handles: RepoHandle[]): Promise<void> {
  const target = appTarget(core, installation.appId, 0);
  if (!target || handles.length === 0 || installation.suspendedAt) return;
  const listed = handles.map(briefRepository);
  await core.webhooks.send(target, 'installation_repositories', {
    action,
    ...commonFields(core, installation),
    repository_selection: installation.repositories === 'all' ? 'all' : 'selected',
    repositories_added: action === 'added' ? listed : [],
    repositories_removed: action === 'removed' ? listed : [],
  });
}

function commonFields(core: EmulatorCore, installation: InstallationRecord) {
  return {
    installation: installationShape(core.urls, installation, core.apps.slug(installation.appId)),
    requester: null,
    sender: userShape(core.urls, SENDER),
  };
}

/**
 * The App webhooks that hear `event` about a repository: those of Apps subscribed to it whose
 * installation covers the repository and is not suspended.
 */
export function installedApps(core: EmulatorCore, handle: RepoHandle, event: string): AppDelivery[] {
  if (!APP_EVENTS.includes(event)) return [];
  return core.apps
    .installationsCovering(handle.owner, handle.name)
    .filter((installation) => !installation.suspendedAt)
    .flatMap((installation) => {
      const target = appTarget(core, installation.appId, handle.info.id);
      return target ? [{ target, installation }] : [];
    });
}

/** Sends a repository's event to App webhooks, naming the installation as GitHub does in every App delivery. */
export function sendToApps(core: EmulatorCore, apps: AppDelivery[], event: WebhookEvent, payload: Record<string, unknown>): void {
  for (const { target, installation } of apps) {
    void core.webhooks.send(target, event, { ...payload, installation: { id: installation.id, node_id: nodeId('I', installation.id) } });
  }
}

/** The App's webhook as a delivery target; GitHub names the App as the hook's owner (`integration`). */
function appTarget(core: EmulatorCore, appId: number, repositoryId: number): DeliveryTarget | null {
  const webhook = core.apps.webhook(appId);
  if (!webhook) return null;
  return { hookId: stableId(`app-hook:${appId}`), url: webhook.url, secret: webhook.secret, contentType: 'json', repositoryId, owner: { type: 'integration', id: appId } };
}

async function accountRepositories(core: EmulatorCore, account: string): Promise<RepoHandle[]> {
  const all = await core.store.list();
  return all.filter((h) => h.owner.toLowerCase() === account.toLowerCase()).sort((a, b) => a.name.localeCompare(b.name));
}

/** Installation payloads name repositories briefly: id, node id, name, full name, visibility. */
function briefRepository(handle: RepoHandle) {
  return { id: handle.info.id, node_id: nodeId('R', handle.info.id), name: handle.name, full_name: `${handle.owner}/${handle.name}`, private: handle.info.private };
}
