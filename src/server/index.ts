/** The operator API server: see server.ts (buildServer) and docs/api.md. */
export { buildServer, type CentinelaServer, type RouteInfo } from './server.js';
export type { ServerContext, ReplayHooks, CoreContext } from './context.js';
export { createToken, hashSecret, verifySecret, roleAllows, FailureLimiter, type Access, type Principal, type Role } from './auth.js';
export { Stream, matches as matchesFilter } from './stream.js';
export { ServerMetrics, type MetricsSource } from './metrics.js';
export { readSettings, writeSettings, SETTINGS_KEYS, type Settings } from './settings.js';
export { coveragePolygon, sectorBounds, sensorInfo, tracksGeoJson, type SensorInfo } from './geometry.js';
export type { StreamFilter } from './schemas.js';
