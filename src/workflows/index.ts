export { incrementalSync } from './incremental-sync.js';
export { initialSync } from './initial-sync.js';
export { outboundSync } from './outbound-sync.js';
export { pollProjects } from './poll-projects.js';
export { verifyProject } from './verify.js';
export { metadataSync } from './metadata-sync.js';
export { fleetSync } from './fleet-sync.js';
export { garbageCollection } from './garbage-collection.js';
