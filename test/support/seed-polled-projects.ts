import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { sql } from 'kysely';
import type { SecretBox } from '../../src/crypto/secret-box.js';
import type { Db } from '../../src/db/connection.js';
import type { GitHubEmulator } from '@reposync/github-emulator';

const run = promisify(execFile);

export interface SeededProject {
  id: string;
  owner: string;
  repo: string;
  branch: string;
  pollSlot: number;
}

/**
 * `count` imported projects the poll will check, written straight into the database (no API calls,
 * no imports): `repositories` emulator repositories of one commit each, linked by as many tenants
 * as it takes, every project synced at its repository's head with an empty snapshot. With `etags`,
 * each project starts with its branch's current ETag, as after its first poll, so every poll is a
 * 304 that costs no rate limit. With `branchPerProject`, each project follows a branch of its own
 * (`p-<n>`), so every request names the one project it is for; with `tokenPerTenant`, each tenant
 * has its own token and so its own rate-limit budget, as separate customers do.
 */
export async function seedPolledProjects(
  { db, github, secrets }: { db: Db; github: GitHubEmulator; secrets: SecretBox },
  options: { count: number; repositories: number; owner?: string; etags?: boolean; branchPerProject?: boolean; tokenPerTenant?: boolean },
): Promise<SeededProject[]> {
  const { count, repositories, owner = 'poll', etags = false, branchPerProject = false, tokenPerTenant = false } = options;
  if (etags && branchPerProject) throw new Error('seedPolledProjects: etags are read per repository, so not with branchPerProject');
  const octokit = new Octokit({ baseUrl: github.url, auth: github.token });
  const repos: Array<{ repo: string; sha: string; etag: string | null }> = [];
  const tenantCount = Math.ceil(count / repositories);
  const branchOf = (n: number) => (branchPerProject ? `p-${n}` : 'main');
  for (let i = 0; i < repositories; i++) {
    const repo = `polled-${i}`;
    const { path } = await github.repos.create(owner, repo, {});
    const { sha } = await github.repos.commit(owner, repo, { message: 'initial', files: { 'a.txt': `${i}\n` } });
    if (branchPerProject) {
      const refs = [];
      for (let n = i; n < count; n += repositories) refs.push(`create refs/heads/${branchOf(n)} ${sha}\n`);
      const child = run('git', ['--git-dir', path, 'update-ref', '--stdin']);
      child.child.stdin!.end(refs.join(''));
      await child;
    }
    const etag = etags ? ((await octokit.rest.repos.getBranch({ owner, repo, branch: 'main' })).headers.etag ?? null) : null;
    repos.push({ repo, sha, etag });
  }
  const tokens = Array.from({ length: tenantCount }, (_, t) => {
    if (!tokenPerTenant) return github.token;
    const token = `ghp_${owner}${t}`.padEnd(40, 'x');
    github.tokens.add(token, `${owner}-customer-${t}`);
    return token;
  });
  const tokenCiphertexts = tokens.map((token) => secrets.seal(token));
  const tenants = await db
    .insertInto('tenants')
    .values(Array.from({ length: tenantCount }, (_, i) => ({ name: `${owner}-tenant-${i}-${Date.now()}` })))
    .returning('id')
    .execute();
  const seeded: SeededProject[] = [];
  const BATCH = 1_000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => {
      const n = start + k;
      const { repo, sha, etag } = repos[n % repositories]!;
      return {
        tenant_id: tenants[Math.floor(n / repositories)]!.id,
        owner,
        repo,
        branch: branchPerProject ? branchOf(n) : null,
        default_branch: 'main',
        auth_kind: 'token' as const,
        token_ciphertext: tokenCiphertexts[Math.floor(n / repositories)]!,
        webhook_secret_ciphertext: null,
        webhook_id: null,
        filter: '{}',
        sync_status: 'synced' as const,
        sync_error_code: null,
        sync_error_message: null,
        sync_started_at: null,
        sync_completed_at: new Date(),
        last_remote_sha: sha,
        last_synced_sha: sha,
        last_outbound_base_sha: null,
        current_snapshot_id: null,
        branch_etag: etag,
      };
    });
    const inserted = await db.insertInto('projects').values(rows).returning(['id', 'owner', 'repo', 'branch', 'default_branch', 'poll_slot', 'last_synced_sha']).execute();
    await db
      .insertInto('snapshots')
      .values(inserted.map((project) => ({ project_id: project.id, commit_sha: project.last_synced_sha!, tree_sha: null, filter_key: '', file_count: 0, total_bytes: 0, complete: true })))
      .execute();
    await sql`update projects p set current_snapshot_id = s.id from snapshots s where s.project_id = p.id and p.id = any(${inserted.map((project) => project.id)}::uuid[])`.execute(db);
    seeded.push(...inserted.map((project) => ({ id: project.id, owner: project.owner, repo: project.repo, branch: project.branch ?? project.default_branch!, pollSlot: project.poll_slot })));
  }
  return seeded;
}
