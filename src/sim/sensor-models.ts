/**
 * The one place the simulator, the scenario reader and fusion get their sensor models from:
 * src/sim/sensors (`sensorConfigSchema`, a zod discriminated union on `kind`, and
 * `createSensor(config, frame): SimSensor`).
 */
export { createSensor, sensorConfigSchema } from './sensors/index.js';
export type { SensorConfig, SensorConfigInput } from './sensors/index.js';
