export { SapientClient } from './client.js';
export type { ClientEvent, ClientMetrics, ClientState, SapientClientOptions } from './client.js';
export { classificationFor, fusionNodeRegistration, statusReport, trackReport } from './report.js';
export type { TrackSnapshot } from './track.js';
