import { describe, expect, it } from 'vitest';
import protojsonModule from 'protobufjs/ext/protojson.js';
import { frame } from '../../../src/ingest/sapient/framing.js';
import { sapientFromJson, sapientFromJsonText, sapientToJson } from '../../../src/ingest/sapient/json.js';
import { decodeSapientMessage, encodeSapientMessage } from '../../../src/ingest/sapient/schema.js';
import { parseSapientBinary, parseSapientJson } from '../../../src/ingest/sapient/validate.js';
import { describeStandards, goldenFor, loadReferenceRoot, readSample, sampleNames } from './helpers.js';

const protojson = protojsonModule as unknown as {
  toJsonString(type: unknown, message: unknown): string;
};

/**
 * What each file of `invalid/` is meant to break: [file, rule, field path]. Derived from the file
 * name and checked against the content (a structural diff with the nearest valid sample). Where
 * the name and the content disagree, the content wins:
 *   0117 "TrackInfo.Type.Missing" removes `value`, not `type`;
 *   0049, 0075, 0033 remove a whole mandatory sub-message;
 *   0071 removes the velocity units, leaving the oneof unset;
 *   0111 nests an empty location list in `detectionLocation`, a member DetectionReport does not
 *        have in v2.0 (Dstl's validator once had the field): a conforming parser refuses it;
 *   0129, 0170 and 0178 break rules Dstl's validator adds to the .proto options (DerivedDetection
 *        timestamp and Error message mandatory, FollowObject id a ULID).
 * Many DetectionReport files also carry that `detectionLocation` member; it is reported as an
 * unknown field besides the intended rule.
 */
const EXPECTED: [file: string, rule: string, path: string][] = [
  ['0001.Timestamp.Error.json', 'timestamp', 'timestamp'],
  ['0003.NodeId.Error.json', 'is_uuid', 'node_id'],
  ['0006.DestinationId.Error.json', 'is_uuid', 'destination_id'],
  ['0008.AssociatedDetection.NodeId.Error.json', 'is_uuid', 'alert.associated_detection[0].node_id'],
  ['0011.AssociatedDetection.ObjectId.Missing.json', 'is_mandatory', 'alert.associated_detection[0].object_id'],
  ['0013.AssociatedFile.URL.Missing.json', 'is_mandatory', 'alert.associated_file[0].url'],
  ['0015.Location.y.Missing.json', 'is_mandatory', 'alert.location.y'],
  ['0017.Location.Datum.Missing.json', 'is_mandatory', 'alert.location.datum'],
  ['0019.RangeBearing.Datum.Missing.json', 'is_mandatory', 'alert.range_bearing.datum'],
  ['0021.LocationList.Locations.Missing.json', 'is_mandatory', 'task.region[0].region_area.location_list.locations'],
  ['0023.RangeBearing.CoordinateSystem.Missing.json', 'is_mandatory', 'task.command.look_at.range_bearing.coordinate_system'],
  ['0025.Registration.NodeDefinition.NodeType.Missing.json', 'is_mandatory', 'registration.node_definition[0].node_type'],
  ['0027.Registration.IcdVersion.Missing.json', 'is_mandatory', 'registration.icd_version'],
  ['0029.Registration.Capabilities.Missing.json', 'is_mandatory', 'registration.capabilities'],
  ['0031.Registration.Capabilities.Category.Missing.json', 'is_mandatory', 'registration.capabilities[0].category'],
  ['0033.Registration.StatusDefinition.Missing.json', 'is_mandatory', 'registration.status_definition'],
  ['0035.Registration.StatusDefinition.LocationDefinition.Error.json', 'oneof_mandatory', 'registration.status_definition.location_definition.datum_oneof'],
  ['0037.Registration.StatusDefinition.ObscurationDefinition.Error.json', 'oneof_mandatory', 'registration.status_definition.obscuration_definition.datum_oneof'],
  ['0039.Registration.StatusDefinition.StatusReport.Category.Missing.json', 'is_mandatory', 'registration.status_definition.status_report[0].category'],
  ['0041.ModeDefinition.ModeName.Missing.json', 'is_mandatory', 'registration.mode_definition[0].mode_name'],
  ['0043.ModeDefinition.SettleTime.Missing.json', 'is_mandatory', 'registration.mode_definition[0].settle_time'],
  ['0045.ModeParameter.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].mode_parameter[0].type'],
  ['0047.ConfigurationData.Manufacturer.json', 'is_mandatory', 'registration.config_data[0].manufacturer'],
  ['0049.DetectionDefinition.LocationType.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].location_type'],
  ['0051.GeometricError.Units.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].geometric_error.units'],
  ['0053.PerformanceValue.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].geometric_error.performance_value[0].type'],
  ['0055.PerformanceValue.UnitValue.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].geometric_error.performance_value[0].unit_value'],
  ['0057.DetectionPerformance.Units.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_performance[0].units'],
  ['0059.DetectionReport.Category.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_report[0].category'],
  ['0061.DetectionReport.Units.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_report[0].units'],
  ['0063.ClassPerformance.Units.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_class_definition[0].class_performance[0].units'],
  ['0065.ClassDefinition.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_class_definition[0].class_definition[0].type'],
  ['0067.TaxonomyDockDefinition.DockClass.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_class_definition[0].taxonomy_dock_definition[0].Dock_class'],
  ['0069.TaxonomyDockDefinition.ExtensionSubclass.Name.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_class_definition[0].taxonomy_dock_definition[0].Extension_subclass[0].Subclass_name'],
  ['0071.VelocityType.VelocityUnits.Missing.json', 'oneof_mandatory', 'registration.mode_definition[0].detection_definition[0].velocity_type.velocity_units_oneof'],
  ['0073.VelocityType.EastNorthRateUnits.Missing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].velocity_type.enu_velocity_units.east_north_rate_units'],
  ['0075.TaskDefinition.RegionDefinition.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition'],
  ['0077.RegionDefinition.RegionType.Empty.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.region_type'],
  ['0079.RegionDefinition.SettleTime.Error.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.settle_time.units'],
  ['0081.ClassFilterDefinition.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.class_filter_definition[0].type'],
  ['0083.FilterParameter.Operators.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.class_filter_definition[0].filter_parameter[0].operators'],
  ['0085.SubClassFilterDefinition.FilterParameter.Parameter.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.class_filter_definition[0].sub_class_definition[0].filter_parameter[0].parameter'],
  ['0087.SubClassFilterDefinition.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.class_filter_definition[0].sub_class_definition[0].type'],
  ['0089.SubClassFilterDefinition.Sub.Type.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.class_filter_definition[0].sub_class_definition[0].sub_class_definition[0].type'],
  ['0091.BehaviourFilterDefinition.FilterParameter.Parameter.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.region_definition.behaviour_filter_definition[0].filter_parameter[0].parameter'],
  ['0093.Command.CompletionTime.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.command[0].completion_time'],
  ['0095.Command.Units.Missing.json', 'is_mandatory', 'registration.mode_definition[0].task.command[0].units'],
  ['0097.Acceptance.Missing.json', 'is_mandatory', 'registration_ack.acceptance'],
  ['0099.StatusReport.System.Missing.json', 'is_mandatory', 'status_report.system'],
  ['0101.StatusReport.Mode.Missing.json', 'is_mandatory', 'status_report.mode'],
  ['0103.StatusReport.FieldOfView.Error.json', 'is_mandatory', 'status_report.field_of_view.location_list.locations[0].datum'],
  ['0105.StatusReport.Obscuration.Error.json', 'is_mandatory', 'status_report.obscuration[0].location_list.locations[0].coordinate_system'],
  ['0107.DetectionReport.ReportId.Missing.json', 'is_mandatory', 'detection_report.report_id'],
  ['0109.DetectionReport.Location.Missing.json', 'oneof_mandatory', 'detection_report.location_oneof'],
  ['0111.DetectionReport.DetectionLocation.Missing.json', 'json_unknown_field', 'detection_report.detectionLocation'],
  ['0113.DetectionReport.ReportId.Invalid.json', 'is_ulid', 'detection_report.report_id'],
  ['0115.DetectionReport.TaskId.Error.json', 'is_ulid', 'detection_report.task_id'],
  ['0117.TrackInfo.Type.Missing.json', 'is_mandatory', 'detection_report.track_info[0].value'],
  ['0119.TrackObjectInfo.Type.Missing.json', 'is_mandatory', 'detection_report.object_info[0].type'],
  ['0121.DetectionReportClassification.Type.Missing.json', 'is_mandatory', 'detection_report.classification[0].type'],
  ['0123.DetectionReportClassification.SubClass.Level.Missing.json', 'is_mandatory', 'detection_report.classification[0].sub_class[0].level'],
  ['0124.DetectionReportClassification.SubClass.Sub.Type.Missing.json', 'is_mandatory', 'detection_report.classification[0].sub_class[0].sub_class[0].type'],
  ['0126.AssociatedFile.Type.Missing.json', 'is_mandatory', 'detection_report.associated_file[0].type'],
  ['0128.Signal.Amplitude.json', 'is_mandatory', 'detection_report.signal[0].amplitude'],
  ['0129.DerivedDetection.Timestamp.Missing.json', 'is_mandatory', 'detection_report.derived_detection[0].timestamp'],
  ['0131.DerivedDetection.ObjectId.Missing.json', 'is_mandatory', 'detection_report.derived_detection[0].object_id'],
  ['0133.ENUVelocity.NorthRate.FullMessage.json', 'is_mandatory', 'detection_report.enu_velocity.north_rate'],
  ['0135.Task.Control.Missing.json', 'is_mandatory', 'task.control'],
  ['0137.Task.Region.RegionId.json', 'is_mandatory', 'task.region[0].region_id'],
  ['0139.Task.Region.RegionArea.json', 'is_mandatory', 'task.region[0].region_area'],
  ['0141.ClassFilter.Type.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].type'],
  ['0143.SubClassFilter.Type.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].sub_class_filter[0].type'],
  ['0145.SubClassFilter.Sub.Type.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].sub_class_filter[0].sub_class_filter[0].type'],
  ['0147.Parameter.Operator.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].parameter.operator'],
  ['0149.Parameter.Name.2.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].sub_class_filter[0].parameter.name'],
  ['0151.Parameter.Value2.Missing.json', 'is_mandatory', 'task.region[0].class_filter[0].sub_class_filter[0].parameter.value'],
  ['0153.BehaviourFilter.Parameter.Name.Missing.json', 'is_mandatory', 'task.region[0].behaviour_filter[0].parameter.name'],
  ['0155.BehaviourFilter.Parameter.Value.Missing.json.json', 'is_mandatory', 'task.region[0].behaviour_filter[0].parameter.value'],
  ['0157.TaskAck.AssociatedFile.Type.Missing.json', 'is_mandatory', 'task_ack.associated_file.type'],
  ['0159.Alert.AlertId.json', 'is_mandatory', 'alert.alert_id'],
  ['0161.Alert.File.Type.json', 'is_mandatory', 'alert.associated_file[0].type'],
  ['0163.AssociatedDetection.NodeId.Missing.json', 'is_mandatory', 'alert.associated_detection[0].node_id'],
  ['0165.AssociatedDetection.ObjectId.Missing.json', 'is_mandatory', 'alert.associated_detection[0].object_id'],
  ['0168.AlertAck.AlertAckStatus.Missing.json', 'is_mandatory', 'alert_ack.alert_ack_status'],
  ['0170.Error.ErrorMessage.Missing.json', 'is_mandatory', 'error.error_message'],
  ['0172.Registration.SubClass.Level.subClass.LevelMissing.json', 'is_mandatory', 'registration.mode_definition[0].detection_definition[0].detection_class_definition[0].class_definition[0].sub_class[0].level'],
  ['0174.BadId.SapientMessage.NodeId.json', 'is_uuid', 'node_id'],
  ['0176.BadId.AssociatedDetection.NodeId.json', 'is_uuid', 'alert.associated_detection[0].node_id'],
  ['0178.BadId.Follow.FollowObjectId.json', 'is_ulid', 'task.command.follow.follow_object_id'],
  ['0180.BadId.StatusReport.ReportId.json', 'is_ulid', 'status_report.report_id'],
  ['0182.BadId.DetectionReport.ReportId.json', 'is_ulid', 'detection_report.report_id'],
  ['0184.BadId.DetectionReport.TaskId.json', 'is_ulid', 'detection_report.task_id'],
  ['0186.BadId.DetectionReport.ObjectId.json', 'is_ulid', 'detection_report.derived_detection[0].object_id'],
  ['0188.BadId.Task.RegionId.json', 'is_ulid', 'task.region[0].region_id'],
  ['0190.BadId.TaskAck.TaskId.json', 'is_ulid', 'task_ack.task_id'],
  ['0192.BadId.Alert.RegionId.json', 'is_ulid', 'alert.region_id'],
  ['0194.BadId.Alert.AssociatedDetection.json', 'is_uuid', 'alert.associated_detection[0].node_id'],
];

/** Rules only a JSON parser can see (they never reach the wire). */
const JSON_ONLY = new Set(['timestamp', 'json_unknown_field', 'json_type', 'json_syntax', 'oneof_exclusive']);
const UNKNOWN_MEMBER = 'detection_report.detectionLocation';

describeStandards('SAPIENT samples: the 38 valid messages', () => {
  const names = sampleNames('valid');

  it('finds all 38', () => {
    expect(names).toHaveLength(38);
  });

  it.each(names)('%s decodes and validates from JSON', (name) => {
    const r = parseSapientJson(readSample('valid', name));
    expect(r.violations).toEqual([]);
    expect(r.message).not.toBeNull();
  });

  it.each(names)('%s re-encodes to the golden bytes, length prefix included', (name) => {
    const { message } = sapientFromJsonText(readSample('valid', name));
    const golden = goldenFor(name);
    expect(Buffer.from(frame(encodeSapientMessage(message))).equals(golden)).toBe(true);
  });

  it.each(names)('%s: golden bytes decode, validate and re-encode byte for byte (also through JSON)', (name) => {
    const golden = goldenFor(name);
    const payload = golden.subarray(4);
    expect(golden.readUInt32LE(0)).toBe(payload.length);
    const r = parseSapientBinary(payload);
    expect(r.violations).toEqual([]);
    expect(Buffer.from(encodeSapientMessage(r.message!)).equals(payload)).toBe(true);
    // binary → our JSON → binary
    const back = sapientFromJson(JSON.parse(JSON.stringify(sapientToJson(r.message!))));
    expect(back.violations).toEqual([]);
    expect(Buffer.from(encodeSapientMessage(back.message)).equals(payload)).toBe(true);
  });

  it('reads the JSON the reference schema writes for every golden message', () => {
    // An independent implementation (protobufjs over the official .proto files) prints each
    // golden message as proto3 JSON; we must parse that back to the same bytes.
    const ref = loadReferenceRoot().lookupType('sapient_msg.bsi_flex_335_v2_0.SapientMessage');
    for (const name of names) {
      const payload = goldenFor(name).subarray(4);
      const text = protojson.toJsonString(ref, ref.decode(payload));
      const r = parseSapientJson(text);
      expect(r.violations, name).toEqual([]);
      expect(Buffer.from(encodeSapientMessage(r.message!)).equals(payload), name).toBe(true);
    }
  });
});

describeStandards('SAPIENT samples: the 97 invalid messages', () => {
  const names = sampleNames('invalid');

  it('has an expectation for every file, and every file for an expectation', () => {
    expect(names).toHaveLength(97);
    expect(EXPECTED.map((e) => e[0]).sort()).toEqual(names);
  });

  it.each(EXPECTED)('%s is rejected for %s at %s', (file, rule, path) => {
    const text = readSample('invalid', file);
    const r = parseSapientJson(text);
    const hasUnknownMember = /"detectionLocation"/.test(text);
    const others = r.violations.filter((v) => !(v.rule === 'json_unknown_field' && v.path === UNKNOWN_MEMBER));
    if (rule === 'json_unknown_field') {
      expect(others).toEqual([]);
    } else {
      // Exactly the intended violation: nothing else in the file is reported.
      expect(others.map((v) => [v.rule, v.path])).toEqual([[rule, path]]);
    }
    expect(r.violations.some((v) => v.rule === 'json_unknown_field' && v.path === UNKNOWN_MEMBER)).toBe(hasUnknownMember);
    for (const v of r.violations) expect(v.message).toContain(v.rule);
  });

  it.each(EXPECTED.filter(([, rule]) => !JSON_ONLY.has(rule)))('%s fails the same rule when it arrives as protobuf binary', (file, rule, path) => {
    const { message } = sapientFromJsonText(readSample('invalid', file));
    const r = parseSapientBinary(encodeSapientMessage(message));
    expect(r.violations.map((v) => [v.rule, v.path])).toEqual([[rule, path]]);
  });
});

describe('SAPIENT codec', () => {
  it('decodeSapientMessage turns int64 seconds into numbers', () => {
    const bytes = encodeSapientMessage({ timestamp: { seconds: 1700000000, nanos: 5 }, node_id: 'a8654cdf-4328-47de-81fa-c495589e30c8' });
    const m = decodeSapientMessage(bytes);
    expect(m.timestamp).toMatchObject({ seconds: 1700000000, nanos: 5 });
  });
});
