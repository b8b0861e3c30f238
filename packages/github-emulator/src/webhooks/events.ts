/**
 * Every webhook event the emulator delivers, with the actions it sends and what causes them.
 * Delivering goes through `WebhookEvent`, so an event missing here does not typecheck; the
 * package README is generated from this table.
 * https://docs.github.com/webhooks/webhook-events-and-payloads
 */
export const WEBHOOK_EVENTS = {
  ping: { actions: [], cause: 'an active hook is created, or a hook pinged, through the API' },
  push: { actions: [], cause: 'a branch or tag moves: a `git push`, the refs API, a pull request merge, the admin helpers' },
  create: { actions: [], cause: 'a branch or tag is created' },
  delete: { actions: [], cause: 'a branch or tag is deleted' },
  repository: { actions: ['created', 'edited', 'renamed', 'transferred', 'archived', 'unarchived'], cause: 'a repository is created by the admin helpers or its settings change' },
  issues: { actions: ['opened', 'edited', 'closed', 'reopened'], cause: 'an issue is opened or updated through the API' },
  issue_comment: { actions: ['created', 'edited', 'deleted'], cause: 'an issue comment is written through the API' },
  pull_request_review_comment: { actions: ['created', 'deleted'], cause: 'a review comment is written through the API' },
  release: { actions: ['created', 'published'], cause: 'a release is created (`published` unless it is a draft)' },
  installation: { actions: ['created', 'deleted', 'suspend', 'unsuspend'], cause: "an App's installation changes through the admin helpers (to the App's webhook only)" },
  installation_repositories: { actions: ['added', 'removed'], cause: "an installation's repository selection changes, or a selected repository is deleted (to the App's webhook only)" },
} as const satisfies Record<string, { actions: readonly string[]; cause: string }>;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
