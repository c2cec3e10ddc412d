/**
 * UTM ⇄ WGS84 geodetic, for SAPIENT `LOCATION_COORDINATE_SYSTEM_UTM_M` (common on UK kit).
 *
 * Transverse Mercator by Krüger's series in n to sixth order (Karney, "Transverse Mercator with
 * an accuracy of a few nanometers", J. Geodesy 2011): sub-millimetre within a UTM zone, far
 * better than any sensor. The inverse solves the conformal-latitude step by Newton's method as
 * Karney does, rather than a truncated series.
 *
 * Zones are written as SAPIENT sends them: the zone number and an MGRS latitude band letter
 * ("30U"); bands C–M are south of the equator, N–X north. A bare number means north.
 */
import { WGS84_A_M, WGS84_F } from '../../geo/wgs84.js';

const K0 = 0.9996;
const FALSE_EASTING = 500_000;
const FALSE_NORTHING_SOUTH = 10_000_000;

const n = WGS84_F / (2 - WGS84_F);
const n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
/** Rectifying radius. */
const A = (WGS84_A_M / (1 + n)) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
const E = Math.sqrt(WGS84_F * (2 - WGS84_F));
const ALPHA = [
  n / 2 - (2 * n2) / 3 + (5 * n3) / 16 + (41 * n4) / 180 - (127 * n5) / 288 + (7891 * n6) / 37800,
  (13 * n2) / 48 - (3 * n3) / 5 + (557 * n4) / 1440 + (281 * n5) / 630 - (1983433 * n6) / 1935360,
  (61 * n3) / 240 - (103 * n4) / 140 + (15061 * n5) / 26880 + (167603 * n6) / 181440,
  (49561 * n4) / 161280 - (179 * n5) / 168 + (6601661 * n6) / 7257600,
  (34729 * n5) / 80640 - (3418889 * n6) / 1995840,
  (212378941 * n6) / 319334400,
];
const BETA = [
  n / 2 - (2 * n2) / 3 + (37 * n3) / 96 - n4 / 360 - (81 * n5) / 512 + (96199 * n6) / 604800,
  n2 / 48 + n3 / 15 - (437 * n4) / 1440 + (46 * n5) / 105 - (1118711 * n6) / 3870720,
  (17 * n3) / 480 - (37 * n4) / 840 - (209 * n5) / 4480 + (5569 * n6) / 90720,
  (4397 * n4) / 161280 - (11 * n5) / 504 - (830251 * n6) / 7257600,
  (4583 * n5) / 161280 - (108847 * n6) / 3991680,
  (20648693 * n6) / 638668800,
];
const DEG = Math.PI / 180;

export interface UtmZone {
  zone: number;
  north: boolean;
}

/** Parses "30U", "30 U", "30N", "14R", "30"; null when not a UTM zone. */
export function parseUtmZone(s: string | undefined): UtmZone | null {
  if (!s) return null;
  const m = /^\s*(\d{1,2})\s*([C-HJ-NP-Xc-hj-np-x])?\s*$/.exec(s);
  if (!m) return null;
  const zone = Number(m[1]);
  if (zone < 1 || zone > 60) return null;
  const band = m[2]?.toUpperCase();
  return { zone, north: band === undefined || band >= 'N' };
}

/** The zone a longitude falls in (ignoring the Norway/Svalbard exceptions). */
export function utmZoneOf(latDeg: number, lonDeg: number): UtmZone {
  const zone = Math.min(60, Math.max(1, Math.floor((lonDeg + 180) / 6) + 1));
  return { zone, north: latDeg >= 0 };
}

function centralMeridianRad(zone: number): number {
  return ((zone - 1) * 6 - 180 + 3) * DEG;
}

/** Geodetic (degrees) → UTM easting/northing (m) in the given zone. */
export function geodeticToUtm(latDeg: number, lonDeg: number, z: UtmZone): { easting: number; northing: number } {
  const phi = latDeg * DEG;
  let lam = lonDeg * DEG - centralMeridianRad(z.zone);
  lam = Math.atan2(Math.sin(lam), Math.cos(lam));
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - E * Math.atanh(E * Math.sin(phi)));
  const xiP = Math.atan2(t, Math.cos(lam));
  const etaP = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
  let xi = xiP, eta = etaP;
  for (let j = 1; j <= 6; j++) {
    xi += ALPHA[j - 1] * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
    eta += ALPHA[j - 1] * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
  }
  return { easting: FALSE_EASTING + K0 * A * eta, northing: (z.north ? 0 : FALSE_NORTHING_SOUTH) + K0 * A * xi };
}

/** UTM easting/northing (m) in a zone → geodetic degrees. */
export function utmToGeodetic(easting: number, northing: number, z: UtmZone): { latDeg: number; lonDeg: number } {
  const xi = (northing - (z.north ? 0 : FALSE_NORTHING_SOUTH)) / (K0 * A);
  const eta = (easting - FALSE_EASTING) / (K0 * A);
  let xiP = xi, etaP = eta;
  for (let j = 1; j <= 6; j++) {
    xiP -= BETA[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    etaP -= BETA[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const sinhEta = Math.sinh(etaP), cosXi = Math.cos(xiP);
  const tauP = Math.sin(xiP) / Math.sqrt(sinhEta * sinhEta + cosXi * cosXi);
  const lam = Math.atan2(sinhEta, cosXi);
  // τ' → τ (tan of geodetic latitude) by Newton's method; converges in 2–3 steps.
  let tau = tauP;
  const e2m = 1 - E * E;
  for (let k = 0; k < 8; k++) {
    const s1 = Math.sqrt(1 + tau * tau);
    const sig = Math.sinh(E * Math.atanh((E * tau) / s1));
    const taui = tau * Math.sqrt(1 + sig * sig) - sig * s1;
    const dtau = ((tauP - taui) / Math.sqrt(1 + taui * taui)) * ((1 + e2m * tau * tau) / (e2m * s1));
    tau += dtau;
    if (!(Math.abs(dtau) >= 1e-14)) break;
  }
  const lonRad = lam + centralMeridianRad(z.zone);
  return { latDeg: Math.atan(tau) / DEG, lonDeg: (Math.atan2(Math.sin(lonRad), Math.cos(lonRad))) / DEG };
}

/**
 * Grid convergence γ at a point: the angle from true north to grid north, positive when grid
 * north lies east of true north. A grid bearing plus γ is a true bearing.
 */
export function gridConvergenceRad(latDeg: number, lonDeg: number, z: UtmZone): number {
  const dLam = lonDeg * DEG - centralMeridianRad(z.zone);
  return Math.atan(Math.tan(dLam) * Math.sin(latDeg * DEG));
}
