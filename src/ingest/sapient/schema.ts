/**
 * The SAPIENT (BSI Flex 335 v2.0) message schema, written out by hand to match the official
 * `.proto` files field for field (numbers, types, labels, presence), plus the validation options
 * those files attach through `proto_options.proto` (`(field_options).is_mandatory`, `is_ulid`,
 * `is_uuid`, `(oneof_options).is_mandatory`). The official files are the reference the tests
 * compare this table against (test/ingest/sapient/schema.test.ts); they are never read at run
 * time, so a deployment needs nothing but this module.
 *
 * From the table we build a protobufjs JSON descriptor and let protobufjs generate the codecs.
 * Field presence matters for byte-exact output: the v2.0 files declare almost every scalar
 * `optional` (explicit presence: written even when it holds the default, e.g.
 * `RegistrationAck.acceptance = false`), a few without a label (implicit presence: the default is
 * never written), and repeated scalars are packed (proto3). protobufjs tracks explicit presence
 * through a synthetic one-member oneof flagged `proto3_optional`, exactly as its own .proto
 * parser does, so we describe `optional` fields that way.
 *
 * In memory a message is a plain object keyed by the proto (snake_case) field names; present
 * fields are own properties. `json.ts` maps those names to and from proto3 JSON names.
 */
import protobuf from 'protobufjs';

export const SAPIENT_PACKAGE = 'sapient_msg.bsi_flex_335_v2_0';
export const ICD_VERSION = 'BSI Flex 335 v2.0';

export type ScalarType = 'double' | 'float' | 'int32' | 'int64' | 'uint32' | 'bool' | 'string' | 'bytes';
const SCALARS: ReadonlySet<string> = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'bool', 'string', 'bytes']);

/** How a field is labelled in the .proto file, which decides its presence and wire form. */
export type FieldLabel = 'optional' | 'implicit' | 'repeated' | 'oneof';

export interface FieldDef {
  /** Proto field name as declared (snake_case, sometimes with capitals: `Dock_class`). */
  readonly name: string;
  readonly id: number;
  /** A scalar type, or a message / enum name relative to the package (e.g. `Registration.Duration`). */
  readonly type: string;
  readonly label: FieldLabel;
  /** The (real) oneof this field belongs to, for label `oneof`. */
  readonly oneof?: string;
  /** `(field_options).is_mandatory`. */
  readonly mandatory?: boolean;
  /** `(field_options).is_ulid`. */
  readonly ulid?: boolean;
  /** `(field_options).is_uuid`. */
  readonly uuid?: boolean;
  /** Documented as a 0–1 confidence/ranking; Dstl's validator enforces the range. */
  readonly unitInterval?: boolean;
  /**
   * Why this field's rules differ from the official options, when they do. Dstl's own validator
   * (BSI-Flex-335-v2-Test-Harness, SapientServices/Data/Validation) enforces three rules the
   * v2.0 files do not declare, and its `invalid/` set tests them; we follow the validator.
   */
  readonly beyondProto?: string;
}

export interface OneofDef {
  readonly name: string;
  /** `(oneof_options).is_mandatory`: exactly one member must be set. */
  readonly mandatory: boolean;
}

export interface MessageDef {
  /** Name relative to the package, dotted for nested types (`Registration.NodeDefinition`). */
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly oneofs: readonly OneofDef[];
  readonly reserved?: readonly number[];
}

export interface EnumDef {
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
  readonly reserved?: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// A small notation for the table below. Each helper returns one FieldDef.

interface Opts {
  m?: boolean;
  ulid?: boolean;
  uuid?: boolean;
  unit?: boolean;
  beyond?: string;
}
function f(label: FieldLabel, name: string, id: number, type: string, o: Opts = {}, oneof?: string): FieldDef {
  return {
    name, id, type, label,
    ...(oneof ? { oneof } : {}),
    ...(o.m ? { mandatory: true } : {}),
    ...(o.ulid ? { ulid: true } : {}),
    ...(o.uuid ? { uuid: true } : {}),
    ...(o.unit ? { unitInterval: true } : {}),
    ...(o.beyond ? { beyondProto: o.beyond } : {}),
  };
}
/** `optional T name = id;` — explicit presence. */
const opt = (name: string, id: number, type: string, o?: Opts) => f('optional', name, id, type, o);
/** `T name = id;` — proto3 implicit presence (default value never written). */
const imp = (name: string, id: number, type: string, o?: Opts) => f('implicit', name, id, type, o);
/** `repeated T name = id;` */
const rep = (name: string, id: number, type: string, o?: Opts) => f('repeated', name, id, type, o);
/** A member of `oneof group { T name = id; }`. */
const one = (group: string, name: string, id: number, type: string) => f('oneof', name, id, type, {}, group);

function msg(name: string, fields: FieldDef[], oneofs: OneofDef[] = [], reserved?: number[]): MessageDef {
  return { name, fields, oneofs, ...(reserved ? { reserved } : {}) };
}
function en(name: string, names: string[], reserved?: number[], ids?: number[]): EnumDef {
  const values: Record<string, number> = {};
  names.forEach((n, i) => (values[n] = ids ? ids[i] : i));
  return { name, values, ...(reserved ? { reserved } : {}) };
}
const mandatoryOneof = (name: string): OneofDef => ({ name, mandatory: true });
const optionalOneof = (name: string): OneofDef => ({ name, mandatory: false });

const TS = 'google.protobuf.Timestamp';

// ---------------------------------------------------------------------------------------------
// The table. Files and order follow ../shared/standards/sapient/proto/sapient_msg/bsi_flex_335_v2_0;
// fields are listed in field-number order (the encoder also sorts, so output is canonical).

export const ENUMS: readonly EnumDef[] = [
  // registration.proto (top level)
  en('Operator', ['OPERATOR_UNSPECIFIED', 'OPERATOR_ALL', 'OPERATOR_GREATER_THAN', 'OPERATOR_LESS_THAN', 'OPERATOR_EQUAL']),
  en('Registration.NodeType', [
    'NODE_TYPE_UNSPECIFIED', 'NODE_TYPE_OTHER', 'NODE_TYPE_RADAR', 'NODE_TYPE_LIDAR', 'NODE_TYPE_CAMERA', 'NODE_TYPE_SEISMIC',
    'NODE_TYPE_ACOUSTIC', 'NODE_TYPE_PROXIMITY_SENSOR', 'NODE_TYPE_PASSIVE_RF', 'NODE_TYPE_HUMAN', 'NODE_TYPE_CHEMICAL',
    'NODE_TYPE_BIOLOGICAL', 'NODE_TYPE_RADIATION', 'NODE_TYPE_KINETIC', 'NODE_TYPE_JAMMER', 'NODE_TYPE_CYBER', 'NODE_TYPE_LDEW',
    'NODE_TYPE_RFDEW', 'NODE_TYPE_MOBILE_NODE', 'NODE_TYPE_POINTABLE_NODE', 'NODE_TYPE_FUSION_NODE',
  ]),
  en('Registration.TimeUnits', [
    'TIME_UNITS_UNSPECIFIED', 'TIME_UNITS_NANOSECONDS', 'TIME_UNITS_MICROSECONDS', 'TIME_UNITS_MILLISECONDS',
    'TIME_UNITS_SECONDS', 'TIME_UNITS_MINUTES', 'TIME_UNITS_HOURS', 'TIME_UNITS_DAYS',
  ]),
  en('Registration.StatusReportCategory', [
    'STATUS_REPORT_CATEGORY_UNSPECIFIED', 'STATUS_REPORT_CATEGORY_SENSOR', 'STATUS_REPORT_CATEGORY_POWER',
    'STATUS_REPORT_CATEGORY_MODE', 'STATUS_REPORT_CATEGORY_STATUS',
  ]),
  en('Registration.ModeType', ['MODE_TYPE_UNSPECIFIED', 'MODE_TYPE_PERMANENT', 'MODE_TYPE_TEMPORARY', 'MODE_TYPE_DEFAULT']),
  en('Registration.ScanType', ['SCAN_TYPE_UNSPECIFIED', 'SCAN_TYPE_FIXED', 'SCAN_TYPE_SCANNING', 'SCAN_TYPE_STEERABLE']),
  en('Registration.TrackingType', [
    'TRACKING_TYPE_UNSPECIFIED', 'TRACKING_TYPE_NONE', 'TRACKING_TYPE_TRACKLET', 'TRACKING_TYPE_TRACK', 'TRACKING_TYPE_TRACK_WITH_RE_ID',
  ]),
  en('Registration.DetectionReportCategory', [
    'DETECTION_REPORT_CATEGORY_UNSPECIFIED', 'DETECTION_REPORT_CATEGORY_DETECTION', 'DETECTION_REPORT_CATEGORY_TRACK',
    'DETECTION_REPORT_CATEGORY_OBJECT', 'DETECTION_REPORT_CATEGORY_SIGNAL',
  ]),
  en('Registration.ConfidenceDefinition', [
    'CONFIDENCE_DEFINITION_UNSPECIFIED', 'CONFIDENCE_DEFINITION_SINGLE_CLASS', 'CONFIDENCE_DEFINITION_MULTI_CLASS',
  ]),
  en('Registration.CommandType', [
    'COMMAND_TYPE_UNSPECIFIED', 'COMMAND_TYPE_REQUEST', 'COMMAND_TYPE_DETECTION_THRESHOLD', 'COMMAND_TYPE_DETECTION_REPORT_RATE',
    'COMMAND_TYPE_CLASSIFICATION_THRESHOLD', 'COMMAND_TYPE_MODE_CHANGE', 'COMMAND_TYPE_LOOK_AT', 'COMMAND_TYPE_MOVE_TO',
    'COMMAND_TYPE_PATROL', 'COMMAND_TYPE_FOLLOW',
  ]),
  en('Registration.RegionType', [
    'REGION_TYPE_UNSPECIFIED', 'REGION_TYPE_AREA_OF_INTEREST', 'REGION_TYPE_IGNORE', 'REGION_TYPE_BOUNDARY',
    'REGION_TYPE_MOBILE_NODE_NO_GO_AREA', 'REGION_TYPE_MOBILE_NODE_GO_AREA',
  ]),
  // status_report.proto
  en('StatusReport.System', ['SYSTEM_UNSPECIFIED', 'SYSTEM_OK', 'SYSTEM_WARNING', 'SYSTEM_ERROR', 'SYSTEM_GOODBYE'], [4], [0, 1, 2, 3, 5]),
  en('StatusReport.PowerSource', [
    'POWERSOURCE_UNSPECIFIED', 'POWERSOURCE_OTHER', 'POWERSOURCE_MAINS', 'POWERSOURCE_INTERNAL_BATTERY', 'POWERSOURCE_EXTERNAL_BATTERY',
    'POWERSOURCE_GENERATOR', 'POWERSOURCE_SOLAR_PV', 'POWERSOURCE_WIND_TURBINE', 'POWERSOURCE_FUEL_CELL',
  ]),
  en('StatusReport.PowerStatus', ['POWERSTATUS_UNSPECIFIED', 'POWERSTATUS_OK', 'POWERSTATUS_FAULT']),
  en('StatusReport.Info', ['INFO_UNSPECIFIED', 'INFO_NEW', 'INFO_UNCHANGED']),
  en('StatusReport.StatusType', [
    'STATUS_TYPE_UNSPECIFIED', 'STATUS_TYPE_INTERNAL_FAULT', 'STATUS_TYPE_EXTERNAL_FAULT', 'STATUS_TYPE_ILLUMINATION',
    'STATUS_TYPE_WEATHER', 'STATUS_TYPE_CLUTTER', 'STATUS_TYPE_EXPOSURE', 'STATUS_TYPE_MOTION_SENSITIVITY', 'STATUS_TYPE_PTZ_STATUS',
    'STATUS_TYPE_PD', 'STATUS_TYPE_FAR', 'STATUS_TYPE_NOT_DETECTING', 'STATUS_TYPE_PLATFORM', 'STATUS_TYPE_OTHER',
  ]),
  en('StatusReport.StatusLevel', [
    'STATUS_LEVEL_UNSPECIFIED', 'STATUS_LEVEL_INFORMATION_STATUS', 'STATUS_LEVEL_WARNING_STATUS', 'STATUS_LEVEL_ERROR_STATUS',
  ], [1], [0, 2, 3, 4]),
  // task.proto
  en('Task.Control', ['CONTROL_UNSPECIFIED', 'CONTROL_START', 'CONTROL_STOP', 'CONTROL_PAUSE'], [4]),
  en('Task.DiscreteThreshold', ['DISCRETE_THRESHOLD_UNSPECIFIED', 'DISCRETE_THRESHOLD_LOW', 'DISCRETE_THRESHOLD_MEDIUM', 'DISCRETE_THRESHOLD_HIGH']),
  en('Task.RegionType', [
    'REGION_TYPE_UNSPECIFIED', 'REGION_TYPE_AREA_OF_INTEREST', 'REGION_TYPE_IGNORE', 'REGION_TYPE_BOUNDARY',
    'REGION_TYPE_MOBILE_NODE_NO_GO_AREA', 'REGION_TYPE_MOBILE_NODE_GO_AREA',
  ]),
  // task_ack.proto
  en('TaskAck.TaskStatus', ['TASK_STATUS_UNSPECIFIED', 'TASK_STATUS_ACCEPTED', 'TASK_STATUS_REJECTED', 'TASK_STATUS_COMPLETED', 'TASK_STATUS_FAILED']),
  // alert.proto
  en('Alert.AlertType', [
    'ALERT_TYPE_UNSPECIFIED', 'ALERT_TYPE_INFORMATION', 'ALERT_TYPE_WARNING', 'ALERT_TYPE_CRITICAL', 'ALERT_TYPE_ERROR',
    'ALERT_TYPE_FATAL', 'ALERT_TYPE_MODE_CHANGE',
  ]),
  en('Alert.AlertStatus', [
    'ALERT_STATUS_UNSPECIFIED', 'ALERT_STATUS_ACTIVE', 'ALERT_STATUS_ACKNOWLEDGE', 'ALERT_STATUS_REJECT', 'ALERT_STATUS_IGNORE', 'ALERT_STATUS_CLEAR',
  ]),
  en('Alert.DiscretePriority', ['DISCRETE_PRIORITY_UNSPECIFIED', 'DISCRETE_PRIORITY_LOW', 'DISCRETE_PRIORITY_MEDIUM', 'DISCRETE_PRIORITY_HIGH']),
  // alert_ack.proto
  en('AlertAck.AlertAckStatus', ['ALERT_ACK_STATUS_UNSPECIFIED', 'ALERT_ACK_STATUS_ACCEPTED', 'ALERT_ACK_STATUS_REJECTED', 'ALERT_ACK_STATUS_CANCELLED']),
  // location.proto
  en('LocationCoordinateSystem', [
    'LOCATION_COORDINATE_SYSTEM_UNSPECIFIED', 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M',
    'LOCATION_COORDINATE_SYSTEM_UTM_M',
  ], [3, 4], [0, 1, 2, 5]),
  en('LocationDatum', ['LOCATION_DATUM_UNSPECIFIED', 'LOCATION_DATUM_WGS84_E', 'LOCATION_DATUM_WGS84_G']),
  // range_bearing.proto
  en('RangeBearingCoordinateSystem', [
    'RANGE_BEARING_COORDINATE_SYSTEM_UNSPECIFIED', 'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M', 'RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_M',
    'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_KM', 'RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_KM',
  ], [5, 6]),
  en('RangeBearingDatum', [
    'RANGE_BEARING_DATUM_UNSPECIFIED', 'RANGE_BEARING_DATUM_TRUE', 'RANGE_BEARING_DATUM_MAGNETIC', 'RANGE_BEARING_DATUM_GRID',
    'RANGE_BEARING_DATUM_PLATFORM',
  ]),
  // associated_detection.proto
  en('AssociationRelation', [
    'ASSOCIATION_RELATION_UNSPECIFIED', 'ASSOCIATION_RELATION_NO_RELATION', 'ASSOCIATION_RELATION_PARENT', 'ASSOCIATION_RELATION_CHILD',
    'ASSOCIATION_RELATION_SIBLING',
  ]),
  // velocity.proto
  en('SpeedUnits', ['SPEED_UNITS_UNSPECIFIED', 'SPEED_UNITS_MS', 'SPEED_UNITS_KPH'], [3, 4]),
];

const M = { m: true };
const MS = { m: true }; // mandatory string (kept separate only for readability of the table)

export const MESSAGES: readonly MessageDef[] = [
  // google/protobuf/timestamp.proto (proto3, implicit presence)
  msg(TS, [imp('seconds', 1, 'int64'), imp('nanos', 2, 'int32')]),

  // sapient_message.proto
  msg('SapientMessage', [
    opt('timestamp', 1, TS, M),
    opt('node_id', 2, 'string', { m: true, uuid: true }),
    opt('destination_id', 3, 'string', { uuid: true }),
    one('content', 'registration', 4, 'Registration'),
    one('content', 'registration_ack', 5, 'RegistrationAck'),
    one('content', 'status_report', 6, 'StatusReport'),
    one('content', 'detection_report', 7, 'DetectionReport'),
    one('content', 'task', 8, 'Task'),
    one('content', 'task_ack', 9, 'TaskAck'),
    one('content', 'alert', 10, 'Alert'),
    one('content', 'alert_ack', 11, 'AlertAck'),
    one('content', 'error', 12, 'Error'),
    opt('additional_information', 13, 'string'),
  ], [mandatoryOneof('content')]),

  // registration.proto
  msg('Registration', [
    rep('node_definition', 1, 'Registration.NodeDefinition', M),
    opt('icd_version', 2, 'string', MS),
    opt('name', 3, 'string'),
    opt('short_name', 4, 'string'),
    rep('capabilities', 5, 'Registration.Capability', M),
    opt('status_definition', 6, 'Registration.StatusDefinition', M),
    rep('mode_definition', 7, 'Registration.ModeDefinition', M),
    rep('dependent_nodes', 8, 'string'),
    rep('reporting_region', 9, 'LocationOrRangeBearing'),
    rep('config_data', 10, 'Registration.ConfigurationData', M),
  ]),
  msg('Registration.NodeDefinition', [opt('node_type', 1, 'Registration.NodeType', M), rep('node_sub_type', 2, 'string')]),
  msg('Registration.Capability', [
    opt('category', 1, 'string', MS), opt('type', 2, 'string', MS), opt('value', 3, 'string'), opt('units', 4, 'string'),
  ]),
  msg('Registration.StatusDefinition', [
    opt('status_interval', 1, 'Registration.Duration', M),
    opt('location_definition', 2, 'Registration.LocationType'),
    opt('coverage_definition', 3, 'Registration.LocationType'),
    opt('obscuration_definition', 4, 'Registration.LocationType'),
    rep('status_report', 5, 'Registration.StatusReport'),
    opt('field_of_view_definition', 6, 'Registration.LocationType'),
  ]),
  msg('Registration.Duration', [opt('units', 1, 'Registration.TimeUnits', M), opt('value', 3, 'float', M)], [], [2]),
  msg('Registration.ModeParameter', [opt('type', 1, 'string', MS), opt('value', 2, 'string', MS)]),
  msg('Registration.LocationType', [
    one('coordinates_oneof', 'location_units', 1, 'LocationCoordinateSystem'),
    one('coordinates_oneof', 'range_bearing_units', 2, 'RangeBearingCoordinateSystem'),
    one('datum_oneof', 'location_datum', 3, 'LocationDatum'),
    one('datum_oneof', 'range_bearing_datum', 4, 'RangeBearingDatum'),
    opt('zone', 5, 'string'),
  ], [mandatoryOneof('coordinates_oneof'), mandatoryOneof('datum_oneof')]),
  msg('Registration.VelocityType', [
    one('velocity_units_oneof', 'enu_velocity_units', 4, 'ENUVelocityUnits'),
    one('datum_oneof', 'location_datum', 6, 'LocationDatum'),
    one('datum_oneof', 'range_bearing_datum', 7, 'RangeBearingDatum'),
    opt('zone', 8, 'string'),
  ], [mandatoryOneof('velocity_units_oneof'), mandatoryOneof('datum_oneof')], [1, 2, 3, 5]),
  msg('Registration.StatusReport', [
    opt('category', 1, 'Registration.StatusReportCategory', M), opt('type', 2, 'string', MS), opt('units', 3, 'string'), opt('on_change', 4, 'bool'),
  ]),
  msg('Registration.ModeDefinition', [
    opt('mode_name', 1, 'string', MS),
    opt('mode_type', 2, 'Registration.ModeType', M),
    opt('mode_description', 3, 'string'),
    opt('settle_time', 4, 'Registration.Duration', M),
    opt('maximum_latency', 5, 'Registration.Duration'),
    opt('scan_type', 6, 'Registration.ScanType'),
    opt('tracking_type', 7, 'Registration.TrackingType'),
    opt('duration', 8, 'Registration.Duration'),
    rep('mode_parameter', 9, 'Registration.ModeParameter'),
    rep('detection_definition', 10, 'Registration.DetectionDefinition'),
    opt('task', 11, 'Registration.TaskDefinition', M),
  ]),
  msg('Registration.DetectionDefinition', [
    opt('location_type', 1, 'Registration.LocationType', M),
    rep('detection_performance', 2, 'Registration.PerformanceValue'),
    rep('detection_report', 3, 'Registration.DetectionReport'),
    rep('detection_class_definition', 4, 'Registration.DetectionClassDefinition'),
    rep('behaviour_definition', 5, 'Registration.BehaviourDefinition'),
    opt('velocity_type', 6, 'Registration.VelocityType'),
    opt('geometric_error', 7, 'Registration.GeometricError'),
  ]),
  msg('Registration.GeometricError', [
    opt('type', 1, 'string', MS), opt('units', 2, 'string', MS), opt('variation_type', 3, 'string', MS),
    rep('performance_value', 4, 'Registration.PerformanceValue'),
  ]),
  msg('Registration.PerformanceValue', [
    opt('type', 1, 'string', MS), opt('units', 2, 'string', MS), opt('unit_value', 3, 'string', MS), opt('variation_type', 4, 'string'),
  ]),
  msg('Registration.DetectionReport', [
    opt('category', 1, 'Registration.DetectionReportCategory', M), opt('type', 2, 'string', MS), opt('units', 3, 'string', MS),
    opt('on_change', 4, 'bool'),
  ]),
  msg('Registration.DetectionClassDefinition', [
    opt('confidence_definition', 1, 'Registration.ConfidenceDefinition'),
    rep('class_performance', 2, 'Registration.PerformanceValue'),
    rep('class_definition', 3, 'Registration.ClassDefinition'),
    rep('taxonomy_dock_definition', 4, 'Registration.TaxonomyDockDefinition'),
  ]),
  msg('Registration.ClassDefinition', [opt('type', 1, 'string', MS), opt('units', 2, 'string'), rep('sub_class', 3, 'Registration.SubClass')]),
  msg('Registration.SubClass', [
    opt('type', 1, 'string', MS), opt('units', 2, 'string'), opt('level', 3, 'int32', M), rep('sub_class', 4, 'Registration.SubClass'),
  ]),
  msg('Registration.BehaviourDefinition', [opt('type', 1, 'string', MS), opt('units', 2, 'string')]),
  msg('Registration.TaskDefinition', [
    opt('concurrent_tasks', 1, 'int32'), opt('region_definition', 2, 'Registration.RegionDefinition', M), rep('command', 3, 'Registration.Command'),
  ]),
  msg('Registration.ClassFilterDefinition', [
    rep('filter_parameter', 1, 'Registration.FilterParameter'),
    rep('sub_class_definition', 2, 'Registration.SubClassFilterDefinition'),
    opt('type', 3, 'string', MS),
  ]),
  msg('Registration.SubClassFilterDefinition', [
    rep('filter_parameter', 1, 'Registration.FilterParameter'),
    opt('level', 2, 'int32', M),
    opt('type', 3, 'string', MS),
    rep('sub_class_definition', 4, 'Registration.SubClassFilterDefinition'),
  ]),
  msg('Registration.FilterParameter', [opt('parameter', 1, 'string', MS), rep('operators', 2, 'Operator', M)]),
  msg('Registration.BehaviourFilterDefinition', [rep('filter_parameter', 1, 'Registration.FilterParameter'), opt('type', 2, 'string', MS)]),
  msg('Registration.Command', [
    opt('units', 2, 'string', MS), opt('completion_time', 3, 'Registration.Duration', M), opt('type', 4, 'Registration.CommandType', M),
  ], [], [1]),
  msg('Registration.RegionDefinition', [
    rep('region_type', 1, 'Registration.RegionType', M),
    opt('settle_time', 2, 'Registration.Duration'),
    rep('region_area', 3, 'Registration.LocationType', M),
    rep('class_filter_definition', 4, 'Registration.ClassFilterDefinition'),
    rep('behaviour_filter_definition', 5, 'Registration.BehaviourFilterDefinition'),
  ]),
  msg('Registration.TaxonomyDockDefinition', [
    opt('Dock_class_namespace', 1, 'string', MS), opt('Dock_class', 2, 'string', MS), rep('Extension_subclass', 3, 'Registration.ExtensionSubclass'),
  ]),
  msg('Registration.ExtensionSubclass', [
    opt('Subclass_namespace', 1, 'string', MS), opt('Subclass_name', 2, 'string', MS), opt('units', 3, 'string'),
  ]),
  msg('Registration.ConfigurationData', [
    imp('manufacturer', 1, 'string', MS),
    imp('model', 2, 'string', MS),
    opt('serial_number', 3, 'string'),
    opt('hardware_version', 4, 'string'),
    opt('software_version', 5, 'string'),
    rep('sub_components', 6, 'Registration.ConfigurationData'),
  ]),

  // registration_ack.proto
  msg('RegistrationAck', [opt('acceptance', 1, 'bool', M), rep('ack_response_reason', 3, 'string')], [], [2]),

  // status_report.proto
  msg('StatusReport', [
    opt('report_id', 1, 'string', { m: true, ulid: true }),
    opt('system', 2, 'StatusReport.System', M),
    opt('info', 3, 'StatusReport.Info', M),
    opt('active_task_id', 4, 'string', { ulid: true }),
    opt('mode', 5, 'string', MS),
    opt('power', 6, 'StatusReport.Power'),
    opt('node_location', 7, 'Location'),
    opt('field_of_view', 8, 'LocationOrRangeBearing'),
    rep('obscuration', 10, 'LocationOrRangeBearing'),
    rep('status', 11, 'StatusReport.Status'),
    rep('coverage', 12, 'LocationOrRangeBearing'),
  ], [], [9]),
  msg('StatusReport.Power', [opt('level', 3, 'int32'), imp('source', 4, 'StatusReport.PowerSource'), imp('status', 5, 'StatusReport.PowerStatus')], [], [1, 2]),
  msg('StatusReport.Status', [
    opt('status_level', 1, 'StatusReport.StatusLevel'), opt('status_value', 3, 'string'), opt('status_type', 4, 'StatusReport.StatusType', M),
  ], [], [2]),

  // detection_report.proto
  msg('DetectionReport', [
    opt('report_id', 1, 'string', { m: true, ulid: true }),
    opt('object_id', 2, 'string', { m: true, ulid: true }),
    opt('task_id', 3, 'string', { ulid: true }),
    opt('state', 4, 'string'),
    one('location_oneof', 'range_bearing', 5, 'RangeBearing'),
    one('location_oneof', 'location', 6, 'Location'),
    opt('detection_confidence', 7, 'float', { unit: true }),
    rep('track_info', 8, 'DetectionReport.TrackObjectInfo'),
    opt('prediction_location', 9, 'DetectionReport.PredictedLocation'),
    rep('object_info', 10, 'DetectionReport.TrackObjectInfo'),
    rep('classification', 11, 'DetectionReport.DetectionReportClassification'),
    rep('behaviour', 12, 'DetectionReport.Behaviour'),
    rep('associated_file', 13, 'AssociatedFile'),
    rep('signal', 14, 'DetectionReport.Signal'),
    rep('associated_detection', 15, 'AssociatedDetection'),
    rep('derived_detection', 16, 'DetectionReport.DerivedDetection'),
    one('velocity_oneof', 'enu_velocity', 19, 'ENUVelocity'),
    opt('colour', 22, 'string'),
    opt('id', 23, 'string'),
  ], [mandatoryOneof('location_oneof'), optionalOneof('velocity_oneof')], [17, 18, 20, 21]),
  msg('DetectionReport.PredictedLocation', [
    one('predicted_location_oneof', 'range_bearing', 1, 'RangeBearing'),
    one('predicted_location_oneof', 'location', 2, 'Location'),
    opt('predicted_timestamp', 3, TS),
  ], [optionalOneof('predicted_location_oneof')]),
  msg('DetectionReport.TrackObjectInfo', [opt('type', 1, 'string', MS), opt('value', 2, 'string', MS), opt('error', 3, 'float')]),
  msg('DetectionReport.DetectionReportClassification', [
    opt('type', 1, 'string', MS), opt('confidence', 2, 'float', { unit: true }), rep('sub_class', 3, 'DetectionReport.SubClass'),
  ]),
  msg('DetectionReport.SubClass', [
    opt('type', 1, 'string', MS), opt('confidence', 2, 'float', { unit: true }), opt('level', 3, 'int32', M), rep('sub_class', 4, 'DetectionReport.SubClass'),
  ]),
  msg('DetectionReport.Behaviour', [opt('type', 1, 'string', MS), opt('confidence', 2, 'float', { unit: true })]),
  msg('DetectionReport.Signal', [
    opt('amplitude', 1, 'float', M), opt('start_frequency', 2, 'float'), opt('centre_frequency', 3, 'float', M),
    opt('stop_frequency', 4, 'float'), opt('pulse_duration', 5, 'float'),
  ]),
  msg('DetectionReport.DerivedDetection', [
    opt('timestamp', 1, TS, { m: true, beyond: 'mandatory in Dstl DerivedDetectionValidator (invalid/0129)' }),
    opt('node_id', 2, 'string', { m: true, uuid: true }),
    opt('object_id', 3, 'string', { m: true, ulid: true }),
  ]),

  // task.proto
  msg('Task', [
    opt('task_id', 1, 'string', { m: true, ulid: true }),
    opt('task_name', 2, 'string'),
    opt('task_description', 3, 'string'),
    opt('task_start_time', 4, TS),
    opt('task_end_time', 5, TS),
    opt('control', 6, 'Task.Control', M),
    rep('region', 7, 'Task.Region'),
    opt('command', 8, 'Task.Command'),
  ]),
  msg('Task.Command', [
    one('command', 'request', 1, 'string'),
    one('command', 'detection_threshold', 2, 'Task.DiscreteThreshold'),
    one('command', 'detection_report_rate', 3, 'Task.DiscreteThreshold'),
    one('command', 'classification_threshold', 4, 'Task.DiscreteThreshold'),
    one('command', 'mode_change', 5, 'string'),
    one('command', 'look_at', 6, 'LocationOrRangeBearing'),
    opt('command_parameter', 8, 'string'),
    one('command', 'move_to', 9, 'LocationList'),
    one('command', 'patrol', 10, 'LocationList'),
    one('command', 'follow', 11, 'FollowObject'),
  ], [mandatoryOneof('command')], [7]),
  msg('Task.Region', [
    opt('type', 1, 'Task.RegionType', M),
    opt('region_id', 2, 'string', { m: true, ulid: true }),
    opt('region_name', 3, 'string', MS),
    opt('region_area', 4, 'LocationOrRangeBearing', M),
    rep('class_filter', 5, 'Task.ClassFilter'),
    rep('behaviour_filter', 6, 'Task.BehaviourFilter'),
  ]),
  msg('Task.ClassFilter', [
    opt('parameter', 1, 'Task.Parameter', M), opt('type', 2, 'string', MS), rep('sub_class_filter', 3, 'Task.SubClassFilter'),
    opt('priority', 4, 'Task.DiscreteThreshold'),
  ]),
  msg('Task.SubClassFilter', [
    opt('parameter', 1, 'Task.Parameter', M), opt('type', 2, 'string', MS), rep('sub_class_filter', 3, 'Task.SubClassFilter'),
    opt('priority', 4, 'Task.DiscreteThreshold'),
  ]),
  msg('Task.BehaviourFilter', [opt('parameter', 1, 'Task.Parameter', M), opt('type', 2, 'string'), opt('priority', 3, 'Task.DiscreteThreshold')]),
  msg('Task.Parameter', [opt('name', 1, 'string', MS), opt('operator', 2, 'Operator', M), opt('value', 3, 'float', M)]),

  // task_ack.proto
  msg('TaskAck', [
    opt('task_id', 1, 'string', { m: true, ulid: true }),
    opt('task_status', 2, 'TaskAck.TaskStatus', M),
    opt('associated_file', 4, 'AssociatedFile'),
    rep('reason', 5, 'string'),
  ], [], [3]),

  // alert.proto
  msg('Alert', [
    opt('alert_id', 1, 'string', { m: true, ulid: true }),
    opt('alert_type', 2, 'Alert.AlertType'),
    opt('status', 3, 'Alert.AlertStatus'),
    opt('description', 4, 'string'),
    one('location_oneof', 'range_bearing', 5, 'RangeBearing'),
    one('location_oneof', 'location', 6, 'Location'),
    opt('region_id', 7, 'string', { ulid: true }),
    opt('priority', 8, 'Alert.DiscretePriority'),
    opt('ranking', 9, 'float', { unit: true }),
    opt('confidence', 10, 'float', { unit: true }),
    rep('associated_file', 11, 'AssociatedFile'),
    rep('associated_detection', 12, 'AssociatedDetection'),
    opt('additional_information', 13, 'string'),
  ], [optionalOneof('location_oneof')]),

  // alert_ack.proto
  msg('AlertAck', [
    opt('alert_id', 1, 'string', { m: true, ulid: true }), rep('reason', 4, 'string'), opt('alert_ack_status', 5, 'AlertAck.AlertAckStatus', M),
  ], [], [2, 3]),

  // error.proto
  msg('Error', [
    opt('packet', 1, 'bytes', M),
    rep('error_message', 3, 'string', { m: true, beyond: 'mandatory in Dstl ErrorValidator (invalid/0170)' }),
  ], [], [2]),

  // location.proto
  msg('LocationList', [rep('locations', 1, 'Location', M)]),
  msg('Location', [
    opt('x', 1, 'double', M), opt('y', 2, 'double', M), opt('z', 3, 'double'),
    opt('x_error', 4, 'double'), opt('y_error', 5, 'double'), opt('z_error', 6, 'double'),
    opt('coordinate_system', 7, 'LocationCoordinateSystem', M), opt('datum', 8, 'LocationDatum', M), opt('utm_zone', 9, 'string'),
  ]),

  // range_bearing.proto
  msg('RangeBearing', [
    opt('elevation', 1, 'double'), opt('azimuth', 2, 'double'), opt('range', 3, 'double'),
    opt('elevation_error', 4, 'double'), opt('azimuth_error', 5, 'double'), opt('range_error', 6, 'double'),
    opt('coordinate_system', 7, 'RangeBearingCoordinateSystem', M), opt('datum', 8, 'RangeBearingDatum', M),
  ]),
  msg('RangeBearingCone', [
    opt('elevation', 1, 'double'), opt('azimuth', 2, 'double'), opt('range', 3, 'double'),
    opt('horizontal_extent', 4, 'double'), opt('vertical_extent', 5, 'double'),
    opt('horizontal_extent_error', 6, 'double'), opt('vertical_extent_error', 7, 'double'),
    opt('elevation_error', 8, 'double'), opt('azimuth_error', 9, 'double'), opt('range_error', 10, 'double'),
    opt('coordinate_system', 11, 'RangeBearingCoordinateSystem', M), opt('datum', 12, 'RangeBearingDatum', M),
  ]),
  msg('LocationOrRangeBearing', [
    one('fov_oneof', 'range_bearing', 1, 'RangeBearingCone'), one('fov_oneof', 'location_list', 2, 'LocationList'),
  ], [mandatoryOneof('fov_oneof')]),

  // associated_detection.proto
  msg('AssociatedDetection', [
    opt('timestamp', 1, TS),
    opt('node_id', 2, 'string', { m: true, uuid: true }),
    opt('object_id', 3, 'string', { m: true, ulid: true }),
    opt('association_type', 4, 'AssociationRelation'),
  ]),

  // follow.proto
  msg('FollowObject', [
    imp('follow_object_id', 1, 'string', { m: true, ulid: true, beyond: 'ULID in Dstl FollowObjectValidator (invalid/0178)' }),
  ]),

  // velocity.proto
  msg('ENUVelocity', [
    opt('east_rate', 1, 'double', M), opt('north_rate', 2, 'double', M), opt('up_rate', 3, 'double'),
    opt('east_rate_error', 4, 'double'), opt('north_rate_error', 5, 'double'), opt('up_rate_error', 6, 'double'),
  ]),
  msg('ENUVelocityUnits', [opt('east_north_rate_units', 1, 'SpeedUnits', M), opt('up_rate_units', 2, 'SpeedUnits')]),

  // associated_file.proto
  msg('AssociatedFile', [opt('type', 1, 'string', MS), opt('url', 2, 'string', MS)]),
];

// ---------------------------------------------------------------------------------------------
// Lookup tables the converter and the validator walk.

export interface MessageInfo extends MessageDef {
  /** Fields by proto name. */
  readonly byName: ReadonlyMap<string, FieldDef>;
  /** Fields by proto3 JSON name (lowerCamelCase) and by proto name: the JSON parser accepts both. */
  readonly byJsonKey: ReadonlyMap<string, FieldDef>;
  /** Fields by number. */
  readonly byId: ReadonlyMap<number, FieldDef>;
}

export interface EnumInfo extends EnumDef {
  readonly byNumber: ReadonlyMap<number, string>;
}

/** protoc's ToJsonName: drop each underscore and upper-case the letter after it. */
export function jsonNameOf(protoName: string): string {
  let out = '';
  let upper = false;
  for (const ch of protoName) {
    if (ch === '_') {
      upper = true;
    } else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else {
      out += ch;
    }
  }
  return out;
}

export const messageInfo: ReadonlyMap<string, MessageInfo> = new Map(
  MESSAGES.map((m) => {
    const byName = new Map<string, FieldDef>();
    const byJsonKey = new Map<string, FieldDef>();
    const byId = new Map<number, FieldDef>();
    for (const fd of m.fields) {
      byName.set(fd.name, fd);
      byJsonKey.set(jsonNameOf(fd.name), fd);
      byJsonKey.set(fd.name, fd);
      byId.set(fd.id, fd);
    }
    return [m.name, { ...m, byName, byJsonKey, byId }];
  }),
);

export const enumInfo: ReadonlyMap<string, EnumInfo> = new Map(
  ENUMS.map((e) => [e.name, { ...e, byNumber: new Map(Object.entries(e.values).map(([k, v]) => [v, k])) }]),
);

export function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}

export function isEnum(type: string): boolean {
  return enumInfo.has(type);
}

/** The MessageInfo for a message type name (throws on a name not in the table: a programming error). */
export function message(name: string): MessageInfo {
  const m = messageInfo.get(name);
  if (!m) throw new Error(`SAPIENT schema: no message ${name}`);
  return m;
}

// ---------------------------------------------------------------------------------------------
// The protobufjs descriptor and codecs.

function absolute(type: string): string {
  if (isScalar(type)) return type;
  return type.startsWith('google.') ? `.${type}` : `.${SAPIENT_PACKAGE}.${type}`;
}

type JsonNamespace = { nested?: Record<string, JsonNode> };
type JsonNode = JsonNamespace & {
  fields?: Record<string, { type: string; id: number; rule?: string; options?: Record<string, unknown> }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  reserved?: number[][];
};

/** Finds or creates the JSON node for a dotted name under `root`. */
function nodeFor(root: JsonNamespace, dotted: string): JsonNode {
  let ns: JsonNode = root;
  for (const part of dotted.split('.')) {
    ns.nested ??= {};
    ns = ns.nested[part] ??= {};
  }
  return ns;
}

/** The protobufjs JSON descriptor generated from the table (exported for tests and tooling). */
export function descriptorJson(): JsonNamespace {
  const root: JsonNamespace = {};
  const pkg = (name: string) => (name.startsWith('google.') ? name : `${SAPIENT_PACKAGE}.${name}`);
  for (const m of MESSAGES) {
    const node = nodeFor(root, pkg(m.name));
    node.fields = {};
    const oneofs: Record<string, { oneof: string[] }> = {};
    for (const fd of m.fields) {
      const field: { type: string; id: number; rule?: string; options?: Record<string, unknown> } = { type: absolute(fd.type), id: fd.id };
      if (fd.label === 'repeated') field.rule = 'repeated';
      if (fd.label === 'optional') {
        // What protobufjs' own parser produces for proto3 `optional`: a synthetic oneof.
        field.options = { proto3_optional: true };
        oneofs[`_${fd.name}`] = { oneof: [fd.name] };
      }
      if (fd.label === 'oneof') (oneofs[fd.oneof!] ??= { oneof: [] }).oneof.push(fd.name);
      node.fields[fd.name] = field;
    }
    if (Object.keys(oneofs).length) node.oneofs = oneofs;
    if (m.reserved) node.reserved = m.reserved.map((r) => [r, r]);
  }
  for (const e of ENUMS) {
    const node = nodeFor(root, pkg(e.name));
    node.values = { ...e.values };
    if (e.reserved) node.reserved = e.reserved.map((r) => [r, r]);
  }
  return root;
}

/**
 * Our own protobufjs Root (never protobufjs' shared default root, which other adapters use).
 * Built once at module load: ~70 types, a few milliseconds.
 */
export const sapientRoot: protobuf.Root = protobuf.Root.fromJSON(descriptorJson() as protobuf.INamespace);
sapientRoot.resolveAll();

export function protoType(name: string): protobuf.Type {
  return sapientRoot.lookupType(absolute(name));
}

export const SapientMessageType: protobuf.Type = protoType('SapientMessage');

/** A decoded or constructed message: proto field names → values (present fields are own properties). */
export type ProtoObject = Record<string, unknown>;

/** Serializes a SapientMessage (no length prefix). Fields are written in field-number order. */
export function encodeSapientMessage(message: ProtoObject): Uint8Array {
  return SapientMessageType.encode(message as unknown as protobuf.Message).finish();
}

/**
 * Parses a serialized SapientMessage (no length prefix). Throws on malformed wire data
 * (truncation, bad wire type, invalid UTF-8, nesting deeper than protobufjs' limit of 100).
 * int64 values (only Timestamp.seconds) are normalised to numbers.
 */
export function decodeSapientMessage(bytes: Uint8Array): ProtoObject {
  const decoded = SapientMessageType.decode(bytes) as unknown as ProtoObject;
  normaliseLongs(decoded, 'SapientMessage', 0);
  return decoded;
}

/** Replaces protobufjs Long values by numbers in place (seconds of any Timestamp). */
function normaliseLongs(obj: ProtoObject, typeName: string, depth: number): void {
  if (depth > 120) return; // protobufjs already refuses nesting beyond 100
  const info = messageInfo.get(typeName);
  if (!info) return;
  for (const fd of info.fields) {
    if (!Object.prototype.hasOwnProperty.call(obj, fd.name)) continue;
    const v = obj[fd.name];
    if (fd.type === 'int64') {
      obj[fd.name] = longToNumber(v);
    } else if (messageInfo.has(fd.type)) {
      if (Array.isArray(v)) for (const e of v) normaliseLongs(e as ProtoObject, fd.type, depth + 1);
      else if (v && typeof v === 'object') normaliseLongs(v as ProtoObject, fd.type, depth + 1);
    }
  }
}

export function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean };
    return l.unsigned ? (l.high >>> 0) * 4294967296 + (l.low >>> 0) : l.high * 4294967296 + (l.low >>> 0);
  }
  return Number(v);
}

/** True when `obj` carries field `name` (a present field is an own property; repeated: non-empty). */
export function has(obj: ProtoObject | undefined | null, name: string): boolean {
  return !!obj && Object.prototype.hasOwnProperty.call(obj, name) && obj[name] !== undefined && obj[name] !== null;
}

/** Which member of a oneof is set (the last one on the wire wins, as protobuf specifies). */
export function oneofCase(obj: ProtoObject, typeName: string, oneof: string): string | undefined {
  const info = message(typeName);
  let found: string | undefined;
  for (const fd of info.fields) if (fd.oneof === oneof && has(obj, fd.name)) found = fd.name;
  return found;
}
