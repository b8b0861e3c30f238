import type { Client } from '@temporalio/client';
import { allSearchAttributes } from '../shared/search-attributes.js';

/** The search attributes reposync's workflows set that the namespace has not registered. */
export async function missingSearchAttributes(temporal: Client, namespace: string): Promise<string[]> {
  const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(customAttributes ?? {}));
  return allSearchAttributes.map(({ name }) => name).filter((name) => !known.has(name));
}

/**
 * Stops a worker at start on a cluster that lacks any of our search attributes: the server would
 * refuse every workflow start instead, long after. The error names them and the commands that
 * register them. A cluster that does not let us list them (permissions) is only warned about.
 */
export async function checkSearchAttributes(temporal: Client, namespace: string, log: { warn(fields: object, message: string): void }): Promise<void> {
  let missing: string[];
  try {
    missing = await missingSearchAttributes(temporal, namespace);
  } catch (error) {
    log.warn({ namespace, error: (error as Error).message }, 'could not list the namespace\'s search attributes; workflow starts fail if any of ours is missing');
    return;
  }
  if (missing.length === 0) return;
  const commands = missing.map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`).join('; ');
  throw new Error(`Temporal namespace ${namespace} lacks the search attributes ${missing.join(', ')}, which reposync's workflows set; register them: ${commands}`);
}
