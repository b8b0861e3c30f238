/** Content GitHub served for a path does not hash to the SHA its tree names. */
export class IntegrityMismatchError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'IntegrityMismatchError';
  }
}
