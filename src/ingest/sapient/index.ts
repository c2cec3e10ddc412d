/** SAPIENT (BSI Flex 335 v2.0) ingest: schema, codecs, validation, framing, fusion-node server. */
export { ICD_VERSION, SAPIENT_PACKAGE, decodeSapientMessage, encodeSapientMessage, messageInfo, enumInfo, sapientRoot } from './schema.js';
export type { ProtoObject, FieldDef, MessageDef, EnumDef } from './schema.js';
export { sapientFromJson, sapientFromJsonText, sapientToJson, parseRfc3339, formatRfc3339 } from './json.js';
export { validateSapientMessage, validateAs, parseSapientBinary, parseSapientJson } from './validate.js';
export type { ParseResult } from './validate.js';
export { SAPIENT_RULES } from './rules.js';
export type { SapientRule, Violation } from './rules.js';
export { FrameDecoder, frame, splitFrames, DEFAULT_MAX_MESSAGE_BYTES } from './framing.js';
export type { FrameEvent } from './framing.js';
export { UlidFactory, isUlid, isUuid } from './ids.js';
export { detectionFromReport, locationToGeodetic, classify } from './convert.js';
export type { SapientDetection, ConversionContext, ConversionOptions, GeodeticPosition, ClassEvidence } from './convert.js';
export { SapientServer, SERVER_REASONS, sensorKindOf } from './server.js';
export type { SapientServerOptions, SapientServerMetrics, NodeInfo, AlertEvent, StatusEvent, RejectEvent, TaskResult, Counters } from './server.js';
