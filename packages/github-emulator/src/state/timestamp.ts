/** Now in GitHub's timestamp format: UTC, whole seconds, `Z` suffix. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
