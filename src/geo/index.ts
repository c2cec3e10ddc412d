export {
  WGS84_A_M,
  WGS84_B_M,
  WGS84_E2,
  WGS84_EP2,
  WGS84_F,
  ecefToGeodetic,
  geodeticToEcef,
  meridionalRadiusM,
  primeVerticalRadiusM,
} from './wgs84.js';
export { LocalFrame } from './enu.js';
export type { GeodeticOriginDeg, GeodeticOriginRad } from './enu.js';
export { geodesicDirect, geodesicDistanceM, geodesicInverse, normalizeBearingDeg } from './geodesic.js';
export type { GeodesicDirectResult, GeodesicInverseResult } from './geodesic.js';
