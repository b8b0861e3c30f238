import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

/**
 * Where the recorded histories live: one JSON file per scenario, in protobuf's own JSON mapping
 * (enums by name, 64-bit numbers as strings, bytes as base64), which reads back losslessly.
 */
export const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * Histories recorded from the previous release's workflow code, kept when it changes: runs of that
 * code may still be open when the new code deploys, so the new code must replay them too. Drop a
 * file here once no run of that release can be open (see docs/changing-workflows.md).
 */
export const previousHistoriesDir = fileURLToPath(new URL('./histories-previous/', import.meta.url));

export interface RecordedHistory {
  /** The scenario, from the file name (`outbound-direct.json` → `outbound-direct`). */
  name: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

/** Writes a recorded history; the workflow id is kept in a sibling field the replayer reads back. */
/**
 * Converted with the protobuf classes of @temporalio/proto rather than the SDK's historyToJSON /
 * historyFromJSON, which throw "type must be a Type" with the SDK 1.24.0 installed here: their
 * protobufjs (8) rejects the message types @temporalio/proto built with protobufjs 7.
 */
export async function writeHistory(name: string, workflowId: string, history: History): Promise<void> {
  const json = History.fromObject(history).toJSON();
  await writeFile(path.join(historiesDir, `${name}.json`), `${JSON.stringify({ workflowId, ...json }, null, 1)}\n`);
}

/** Every recorded history, sorted by scenario name. */
export async function readHistories(dir = historiesDir): Promise<RecordedHistory[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const { workflowId, ...json } = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { workflowId?: unknown };
      const name = file.slice(0, -'.json'.length);
      if (typeof workflowId !== 'string') throw new Error(`${file}: no workflowId field; record it again with npm run record:histories`);
      const history = History.fromObject(json);
      const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (!workflowType) throw new Error(`${file}: its first event is not WorkflowExecutionStarted`);
      return { name, workflowId, workflowType, history };
    }),
  );
}
