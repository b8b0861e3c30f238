import { OPERATION_TRAILER } from '../shared/outbound-sync.js';

/**
 * The commit message with the operation's trailer (git-interpret-trailers style, after a blank
 * line), so any later attempt can tell this operation's commit from everyone else's.
 */
export function withOperationTrailer(message: string, operationId: string): string {
  const body = message.replace(/\s+$/, '');
  return `${body}\n\n${OPERATION_TRAILER}: ${operationId}\n`;
}

/** True when a commit message carries the trailer of this operation. */
export function hasOperationTrailer(message: string, operationId: string): boolean {
  return message.split('\n').some((line) => line.trim() === `${OPERATION_TRAILER}: ${operationId}`);
}
