/** What `reposync` exits with: scripts branch on these. */
export const ExitCode = {
  ok: 0,
  /** A sync or an operation failed, or the API refused the request. */
  failed: 1,
  /** The command line was wrong: unknown command or option, a missing or malformed argument. */
  usage: 2,
  /** No API key, or the API refused it (401/403). */
  auth: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
