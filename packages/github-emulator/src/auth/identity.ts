/** Who is calling, derived from the `Authorization` header. */
export type Identity =
  | { kind: 'anonymous'; key: string }
  | { kind: 'pat'; key: string; token: string; login: string; admin: boolean }
  // What an installation covers is read from the installation itself, so a change of its selection applies at once.
  | { kind: 'installation'; key: string; token: string; installationId: number; appId: number }
  | { kind: 'app'; key: string; appId: number };

/** Splits `token X` / `Bearer X` (GitHub accepts both for every token kind). */
export function parseAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
