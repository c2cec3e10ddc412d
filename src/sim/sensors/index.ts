/**
 * The simulator's sensor models and the factory that builds one from its scenario-file config.
 * Each config is a zod schema (strict: a misspelt field is an error, not a silent default) with
 * `kind`, `id` and a WGS84 `position`; `sensorConfigSchema` is their discriminated union for the
 * scenario loader to embed. Units are SI; angles a person writes (coverage, noise σ) are in
 * degrees and say so in their names; Detections carry radians.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { SimSensor } from '../types.js';
import { AcousticSensor, acousticConfigSchema } from './acoustic.js';
import { AdsbSensor, adsbConfigSchema } from './adsb.js';
import { EoirSensor, eoirConfigSchema } from './eoir.js';
import { RadarSensor, radarConfigSchema } from './radar.js';
import { RemoteIdSensor, remoteIdConfigSchema } from './remoteid.js';
import { RfSensor, rfConfigSchema } from './rf.js';

export { AcousticSensor, acousticConfigSchema } from './acoustic.js';
export type { AcousticConfig, AcousticConfigInput } from './acoustic.js';
export { AdsbSensor, adsbConfigSchema, GVA_BOUND_M, NACP_EPU_M, NACV_BOUND_MPS } from './adsb.js';
export type { AdsbConfig, AdsbConfigInput } from './adsb.js';
export { EoirSensor, eoirConfigSchema } from './eoir.js';
export type { EoirConfig, EoirConfigInput } from './eoir.js';
export { RadarSensor, radarClutterSchema, radarConfigSchema, terrainMaskSectorSchema } from './radar.js';
export type { RadarConfig, RadarConfigInput } from './radar.js';
export { RemoteIdSensor, remoteIdConfigSchema } from './remoteid.js';
export type { RemoteIdConfig, RemoteIdConfigInput } from './remoteid.js';
export { RfSensor, rfConfigSchema, rfSignalSchema } from './rf.js';
export type { RfConfig, RfConfigInput } from './rf.js';
export { classifierSchema, geodeticPositionSchema } from './common.js';
export type { ClassifierConfig, GeodeticPosition } from './common.js';

export const sensorConfigSchema = z.discriminatedUnion('kind', [
  radarConfigSchema,
  acousticConfigSchema,
  eoirConfigSchema,
  rfConfigSchema,
  remoteIdConfigSchema,
  adsbConfigSchema,
]);
export type SensorConfig = z.output<typeof sensorConfigSchema>;
export type SensorConfigInput = z.input<typeof sensorConfigSchema>;

/**
 * Builds the sensor a config describes, its position converted into `frame` (the sector's ENU).
 * @throws z.ZodError when the config is invalid (the issues name the path and what is wrong)
 */
export function createSensor(config: SensorConfigInput, frame: LocalFrame): SimSensor {
  const c = sensorConfigSchema.parse(config);
  switch (c.kind) {
    case 'radar':
      return new RadarSensor(c, frame);
    case 'acoustic':
      return new AcousticSensor(c, frame);
    case 'eoir':
      return new EoirSensor(c, frame);
    case 'rf':
      return new RfSensor(c, frame);
    case 'remoteid':
      return new RemoteIdSensor(c, frame);
    case 'adsb':
      return new AdsbSensor(c, frame);
  }
}
