/**
 * ADS-B / Mode S ingest: Beast binary, SBS-1 text and AVR text → decoded messages →
 * per-aircraft state → Detections; TCP clients for live feeds.
 */
export * from './crc.js';
export * from './codes.js';
export * from './cpr.js';
export * from './modes.js';
export { LineSplitter, SBS_MAX_LINE, parseSbsLine, type SbsRecord } from './sbs.js';
export { BEAST_ESCAPE, BEAST_MLAT_MAGIC, BeastDecoder, beastSignalDbfs, encodeBeastFrame, parseAvrLine, type BeastFrame } from './beast.js';
export * from './aircraft.js';
export * from './source.js';
export * from './client.js';
