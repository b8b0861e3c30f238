/** One FleetSync per fleet: linking twice restarts it, never runs two. */
export const fleetSyncWorkflowId = (fleetId: string) => `fleet/${fleetId}`;

export interface FleetSyncInput {
  fleetId: string;
  /** The task queue and attempts of the project writers the fleet asks for imports. */
  writer: { taskQueue: string; maximumAttempts: number };
  /** How long to wait between two looks at the fleet's imports. */
  checkEveryMs?: number;
  /** Set when the run continues as new: the listing is done. */
  listed?: boolean;
}

export interface FleetListing {
  listed: number;
  created: number;
  adopted: number;
  skipped: number;
}

export interface FleetImportRound {
  /** Imports asked for in this round. */
  started: number;
  /** Imports under way after it. */
  importing: number;
  /** Projects still waiting for their turn. */
  waiting: number;
  /** The fleet is suspended or gone: nothing more is started. */
  paused: boolean;
}

export interface FleetSyncResult {
  listing: FleetListing | null;
  imported: number;
}
