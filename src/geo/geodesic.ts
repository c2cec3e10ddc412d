/**
 * Geodesics on the WGS84 ellipsoid via GeographicLib (Karney 2013), accurate to ~15 nm for any
 * pair of points including nearly antipodal ones, where Vincenty fails to converge.
 *
 * Latitudes, longitudes and azimuths are in degrees here because this module serves the edges
 * (sensor siting, reports, scenario authoring); azimuths are compass bearings, clockwise from
 * true north, normalised to [0, 360).
 */

// The package is CommonJS; under Node's ESM loader only its default export (module.exports) is
// visible, so named imports would fail at runtime even though the typings declare them.
import geographiclib from 'geographiclib-geodesic';

const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;
const INVERSE_MASK = Geodesic.DISTANCE | Geodesic.AZIMUTH;
const DIRECT_MASK = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.AZIMUTH;

/** Solution of the inverse problem between two points. */
export interface GeodesicInverseResult {
  /** Length of the shortest path along the ellipsoid, m. */
  distanceM: number;
  /** Bearing of the path as it leaves point 1, degrees clockwise from north in [0, 360). */
  initialAzimuthDeg: number;
  /**
   * Bearing of the path as it arrives at point 2 (direction of travel, not the back azimuth),
   * degrees clockwise from north in [0, 360).
   */
  finalAzimuthDeg: number;
}

/** Solution of the direct problem. */
export interface GeodesicDirectResult {
  /** Latitude of the end point, degrees. */
  latDeg: number;
  /** Longitude of the end point, degrees in [−180, 180]. */
  lonDeg: number;
  /** Bearing of travel at the end point, degrees clockwise from north in [0, 360). */
  finalAzimuthDeg: number;
}

/**
 * Maps any angle in degrees to [0, 360). GeographicLib reports azimuths in (−180, 180], which
 * is awkward for compass bearings.
 */
export function normalizeBearingDeg(deg: number): number {
  const r = deg % 360;
  const b = r < 0 ? r + 360 : r;
  // −1e-15 % 360 + 360 rounds to exactly 360; fold it back so the range really is half-open.
  return b >= 360 ? 0 : b;
}

/**
 * Inverse geodesic problem: distance and bearings between two points on WGS84.
 * Heights are ignored; the path lies on the ellipsoid surface.
 * When the points coincide the distance is 0 and the azimuths are arbitrary but finite.
 */
export function geodesicInverse(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): GeodesicInverseResult {
  const r = WGS84.Inverse(lat1Deg, lon1Deg, lat2Deg, lon2Deg, INVERSE_MASK);
  return {
    distanceM: r.s12!,
    initialAzimuthDeg: normalizeBearingDeg(r.azi1!),
    finalAzimuthDeg: normalizeBearingDeg(r.azi2!),
  };
}

/**
 * Geodesic distance in metres between two points on WGS84 (the inverse problem without the
 * bearings, which GeographicLib then skips computing).
 */
export function geodesicDistanceM(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): number {
  return WGS84.Inverse(lat1Deg, lon1Deg, lat2Deg, lon2Deg, Geodesic.DISTANCE).s12!;
}

/**
 * Direct geodesic problem: the point reached by travelling `distanceM` along the ellipsoid from
 * (latDeg, lonDeg) with initial bearing `azimuthDeg` (clockwise from north). Negative distances
 * travel backwards along the same geodesic.
 */
export function geodesicDirect(latDeg: number, lonDeg: number, azimuthDeg: number, distanceM: number): GeodesicDirectResult {
  const r = WGS84.Direct(latDeg, lonDeg, azimuthDeg, distanceM, DIRECT_MASK);
  return {
    latDeg: r.lat2!,
    lonDeg: r.lon2!,
    finalAzimuthDeg: normalizeBearingDeg(r.azi2!),
  };
}
