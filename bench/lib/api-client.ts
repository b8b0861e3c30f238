import { setTimeout as sleep } from 'node:timers/promises';
import type { Operation, OperationList, Project, ProjectView } from '../../test/support/api-answers.js';

export type { ProjectView, Operation as OperationView };

/** What a user of the REST API sees, over HTTP, with one tenant's bearer key. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly auth: { authorization: string },
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...this.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  }

  async project(id: string): Promise<ProjectView> {
    const { status, json } = await this.request<ProjectView>('GET', `/api/projects/${id}`);
    if (status !== 200) throw new Error(`GET /api/projects/${id} answered ${status}: ${JSON.stringify(json)}`);
    return json;
  }

  async link(owner: string, repo: string, token: string): Promise<Project> {
    const { status, json } = await this.request<Project>('POST', '/api/projects', { owner, repo, token });
    if (status !== 201) throw new Error(`linking ${owner}/${repo} answered ${status}: ${JSON.stringify(json)}`);
    return json;
  }

  /** Starts the initial import and waits until the project reports a synced commit. */
  async importProject(id: string, timeoutMs = 300_000): Promise<string> {
    const { status, json } = await this.request('POST', `/api/projects/${id}/sync/initial`);
    if (status !== 202) throw new Error(`starting the import of ${id} answered ${status}: ${JSON.stringify(json)}`);
    const project = await this.waitFor(id, (sync) => sync.status === 'synced' && sync.lastSyncedSha !== null, { timeoutMs, intervalMs: 200 });
    return project.sync.lastSyncedSha!;
  }

  /** Polls GET /api/projects/:id until the project reports `sha` as synced. */
  waitForSynced(id: string, sha: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<ProjectView> {
    return this.waitFor(id, (sync) => sync.lastSyncedSha === sha && sync.status === 'synced', options);
  }

  async waitFor(id: string, done: (sync: ProjectView['sync']) => boolean, { timeoutMs = 60_000, intervalMs = 20 } = {}): Promise<ProjectView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const project = await this.project(id);
      if (done(project.sync)) return project;
      if (project.sync.status === 'failed') throw new Error(`project ${id} failed to sync: ${JSON.stringify(project.sync)}`);
      if (Date.now() > deadline) throw new Error(`project ${id} did not get there within ${timeoutMs} ms: ${JSON.stringify(project.sync)}`);
      await sleep(intervalMs);
    }
  }

  /** The project's whole sync history, newest first, page by page. */
  async operations(id: string): Promise<Operation[]> {
    const all: Operation[] = [];
    for (let offset = 0; ; offset += 100) {
      const { status, json } = await this.request<OperationList>('GET', `/api/projects/${id}/operations?limit=100&offset=${offset}`);
      if (status !== 200) throw new Error(`GET /api/projects/${id}/operations answered ${status}: ${JSON.stringify(json)}`);
      all.push(...json.operations);
      if (json.operations.length < 100) return all;
    }
  }
}
