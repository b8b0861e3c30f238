/**
 * Runs background uploads, at most `limit` at once, while the caller keeps reading; the first
 * failure fails the import (at the caller's next `whenBelowLimit`, `settle` or `throwIfFailed`).
 */
export class UploadPool {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  private waiter: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  run(task: () => Promise<void>): void {
    const promise: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.running.delete(promise);
        this.waiter?.();
      });
    this.running.add(promise);
  }

  async whenBelowLimit(): Promise<void> {
    while (this.running.size >= this.limit) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.throwIfFailed();
  }

  async settle(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
