/**
 * Local East-North-Up tangent plane anchored at a sector's reference point.
 *
 * The frame is exact (ECEF translation plus rotation), not a flat-earth approximation, so a
 * target 50 km out still lands where it is: curvature shows up as a negative `u`, as it should.
 * Methods write into caller-owned Float64Arrays and allocate nothing, because they run for every
 * measurement and every track output.
 */

import { ecefToGeodetic, geodeticToEcef } from './wgs84.js';

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** Origin of a local frame in radians, the internal convention. */
export interface GeodeticOriginRad {
  latRad: number;
  lonRad: number;
  heightAboveEllipsoidM: number;
}

/** Origin of a local frame in degrees, as it appears in configuration and scenario files. */
export interface GeodeticOriginDeg {
  latDeg: number;
  lonDeg: number;
  heightAboveEllipsoidM: number;
}

/**
 * An East-North-Up frame tangent to the WGS84 ellipsoid normal at its origin.
 *
 * Rows of {@link ecefToEnuRotation} are the unit vectors ê, n̂, û expressed in ECEF, so
 * `enu = R · (ecef − origin)` and `ecef = origin + Rᵀ · enu`.
 */
export class LocalFrame {
  readonly latRad: number;
  readonly lonRad: number;
  readonly heightAboveEllipsoidM: number;
  /** Origin in ECEF, m. Treat as read-only. */
  readonly originEcef: Float64Array;
  /** 3×3 row-major rotation ECEF → ENU. Treat as read-only. */
  readonly ecefToEnuRotation: Float64Array;

  // Per-instance scratch so the degree/geodetic helpers need no allocation. This makes a
  // LocalFrame unsafe to share across concurrently running code that interleaves calls
  // mid-method, which cannot happen in single-threaded JS.
  private readonly scratch = new Float64Array(3);

  /**
   * @param origin reference point in radians with height above the ellipsoid
   * @throws RangeError if a coordinate is non-finite or the latitude is outside [−π/2, π/2]
   */
  constructor(origin: GeodeticOriginRad) {
    const { latRad, lonRad, heightAboveEllipsoidM } = origin;
    if (!Number.isFinite(latRad) || !Number.isFinite(lonRad) || !Number.isFinite(heightAboveEllipsoidM)) {
      throw new RangeError(`LocalFrame origin must be finite, got ${latRad}, ${lonRad}, ${heightAboveEllipsoidM}`);
    }
    if (Math.abs(latRad) > Math.PI / 2) {
      throw new RangeError(`LocalFrame origin latitude ${latRad} rad is outside [-π/2, π/2]`);
    }
    this.latRad = latRad;
    this.lonRad = lonRad;
    this.heightAboveEllipsoidM = heightAboveEllipsoidM;
    this.originEcef = geodeticToEcef(latRad, lonRad, heightAboveEllipsoidM, new Float64Array(3));

    const sLat = Math.sin(latRad);
    const cLat = Math.cos(latRad);
    const sLon = Math.sin(lonRad);
    const cLon = Math.cos(lonRad);
    this.ecefToEnuRotation = Float64Array.of(
      -sLon,         cLon,         0,
      -sLat * cLon, -sLat * sLon,  cLat,
       cLat * cLon,  cLat * sLon,  sLat,
    );
  }

  /** Builds a frame from an origin given in degrees (configuration edge). */
  static fromDegrees(origin: GeodeticOriginDeg): LocalFrame {
    return new LocalFrame({
      latRad: origin.latDeg * DEG_TO_RAD,
      lonRad: origin.lonDeg * DEG_TO_RAD,
      heightAboveEllipsoidM: origin.heightAboveEllipsoidM,
    });
  }

  /**
   * ECEF position → ENU position.
   * @param out receives [e, n, u], m
   */
  ecefToEnu(x: number, y: number, z: number, out: Float64Array): Float64Array {
    const o = this.originEcef;
    // Subtract first: both positions are ~6.4e6 m, and the difference is exact to ~1e-9 m.
    this.rotateEcefToEnu(x - o[0], y - o[1], z - o[2], out);
    return out;
  }

  /**
   * ENU position → ECEF position.
   * @param out receives [x, y, z], m
   */
  enuToEcef(e: number, n: number, u: number, out: Float64Array): Float64Array {
    const o = this.originEcef;
    this.rotateEnuToEcef(e, n, u, out);
    out[0] += o[0];
    out[1] += o[1];
    out[2] += o[2];
    return out;
  }

  /**
   * Rotates a free vector (velocity, displacement, line of sight) ECEF → ENU; no translation.
   * @param out receives [e, n, u]
   */
  rotateEcefToEnu(x: number, y: number, z: number, out: Float64Array): Float64Array {
    const r = this.ecefToEnuRotation;
    out[0] = r[0] * x + r[1] * y;
    out[1] = r[3] * x + r[4] * y + r[5] * z;
    out[2] = r[6] * x + r[7] * y + r[8] * z;
    return out;
  }

  /**
   * Rotates a free vector ENU → ECEF; no translation.
   * @param out receives [x, y, z]
   */
  rotateEnuToEcef(e: number, n: number, u: number, out: Float64Array): Float64Array {
    const r = this.ecefToEnuRotation;
    out[0] = r[0] * e + r[3] * n + r[6] * u;
    out[1] = r[1] * e + r[4] * n + r[7] * u;
    out[2] = r[5] * n + r[8] * u;
    return out;
  }

  /**
   * Geodetic position in radians → ENU.
   * @param out receives [e, n, u], m
   */
  geodeticRadToEnu(latRad: number, lonRad: number, heightAboveEllipsoidM: number, out: Float64Array): Float64Array {
    const p = geodeticToEcef(latRad, lonRad, heightAboveEllipsoidM, this.scratch);
    return this.ecefToEnu(p[0], p[1], p[2], out);
  }

  /**
   * ENU → geodetic position in radians.
   * @param out receives [latRad, lonRad, heightAboveEllipsoidM]; lon in (−π, π]
   */
  enuToGeodeticRad(e: number, n: number, u: number, out: Float64Array): Float64Array {
    const p = this.enuToEcef(e, n, u, this.scratch);
    return ecefToGeodetic(p[0], p[1], p[2], out);
  }

  /**
   * Geodetic position in degrees (e.g. a GNSS or ADS-B report) → ENU.
   * @param out receives [e, n, u], m
   */
  geodeticToEnu(latDeg: number, lonDeg: number, heightAboveEllipsoidM: number, out: Float64Array): Float64Array {
    return this.geodeticRadToEnu(latDeg * DEG_TO_RAD, lonDeg * DEG_TO_RAD, heightAboveEllipsoidM, out);
  }

  /**
   * ENU → geodetic position in degrees (e.g. for display or export).
   * @param out receives [latDeg, lonDeg, heightAboveEllipsoidM]; lon in (−180, 180]
   */
  enuToGeodetic(e: number, n: number, u: number, out: Float64Array): Float64Array {
    this.enuToGeodeticRad(e, n, u, out);
    out[0] *= RAD_TO_DEG;
    out[1] *= RAD_TO_DEG;
    return out;
  }

  /**
   * Covariance ECEF → ENU: out = R · C · Rᵀ.
   * @param covEcef symmetric 3×3 row-major, m² (or any unit², e.g. a velocity block)
   * @param out 3×3 row-major; must not alias `covEcef`
   */
  covarianceEcefToEnu(covEcef: Float64Array, out: Float64Array): Float64Array {
    return congruence(this.ecefToEnuRotation, covEcef, false, out);
  }

  /**
   * Covariance ENU → ECEF: out = Rᵀ · C · R.
   * @param covEnu symmetric 3×3 row-major
   * @param out 3×3 row-major; must not alias `covEnu`
   */
  covarianceEnuToEcef(covEnu: Float64Array, out: Float64Array): Float64Array {
    return congruence(this.ecefToEnuRotation, covEnu, true, out);
  }
}

/**
 * out = A · C · Aᵀ (or Aᵀ · C · A when `transpose`), for 3×3 row-major matrices. Written out
 * without a temporary so the covariance helpers stay allocation-free. Only the upper triangle is
 * computed and mirrored, so round-off cannot hand a downstream Cholesky an asymmetric matrix.
 */
function congruence(a: Float64Array, c: Float64Array, transpose: boolean, out: Float64Array): Float64Array {
  for (let i = 0; i < 3; i++) {
    for (let j = i; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) {
        const aik = transpose ? a[k * 3 + i] : a[i * 3 + k];
        if (aik === 0) continue;
        let t = 0;
        for (let l = 0; l < 3; l++) {
          const ajl = transpose ? a[l * 3 + j] : a[j * 3 + l];
          t += c[k * 3 + l] * ajl;
        }
        s += aik * t;
      }
      out[i * 3 + j] = s;
      out[j * 3 + i] = s;
    }
  }
  return out;
}
