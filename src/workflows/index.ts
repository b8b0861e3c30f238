export { initialSync } from './initial-sync.js';
