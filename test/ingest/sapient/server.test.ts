import { afterEach, describe, expect, it } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import type { SapientDetection } from '../../../src/ingest/sapient/convert.js';
import { frame } from '../../../src/ingest/sapient/framing.js';
import { msToTimestamp } from '../../../src/ingest/sapient/json.js';
import { encodeSapientMessage, type ProtoObject } from '../../../src/ingest/sapient/schema.js';
import { registrationReportIntervalS, SapientServer, type Counters, type SapientServerOptions } from '../../../src/ingest/sapient/server.js';
import { validateSapientMessage } from '../../../src/ingest/sapient/validate.js';
import { Peer, SITE, T0, kindOf, locationReport, radarRegistration, rangeBearingReport, statusWithLocation, ulid } from './peer.js';

const A = 'a8654cdf-4328-47de-81fa-c495589e30c8';
const B = 'b8654cdf-4328-47de-81fa-c495589e30c9';
const C = 'c8654cdf-4328-47de-81fa-c495589e30ca';
const OBJ = '01GGYFBAXH4VYRQYEX7S3XGK3H';

let servers: SapientServer[] = [];
let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) p.close();
  for (const s of servers) await s.close();
  servers = [];
  peers = [];
});

async function start(opts: SapientServerOptions = {}): Promise<{ server: SapientServer; got: SapientDetection[] }> {
  const got: SapientDetection[] = [];
  const server = await SapientServer.start({ port: 0, onDetection: (d) => got.push(d), ...opts });
  servers.push(server);
  return { server, got };
}

async function peer(server: SapientServer): Promise<Peer> {
  const p = await Peer.connect(server.port);
  peers.push(p);
  return p;
}

async function registered(server: SapientServer, nodeId = A): Promise<Peer> {
  const p = await peer(server);
  p.send(radarRegistration(nodeId));
  const [ack] = await p.waitReplies(1);
  expect(ack.registration_ack).toMatchObject({ acceptance: true });
  return p;
}

/** Waits until the server has counted `n` received messages in total. */
async function settle(server: SapientServer, n: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.metrics().total.received < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

function sum(c: Counters): number {
  return c.accepted + Object.values(c.rejected).reduce((a, b) => a + b, 0);
}

function expectBalanced(server: SapientServer): void {
  const m = server.metrics();
  expect(sum(m.total)).toBe(m.total.received);
  for (const c of Object.values(m.byConnection)) expect(sum(c)).toBe(c.received);
  for (const s of Object.values(m.bySource)) expect(sum(s)).toBe(s.received);
}

describe('SAPIENT fusion node server', () => {
  it('acknowledges a registration addressed back to the node, and keeps what it registered', async () => {
    const { server } = await start({ nodePositions: { [A]: SITE } });
    const p = await registered(server);
    const ack = p.replies[0];
    expect(validateSapientMessage(ack)).toEqual([]);
    expect(ack.node_id).toBe(server.nodeId);
    expect(ack.destination_id).toBe(A);
    const n = server.node(A)!;
    expect(n).toMatchObject({ registered: true, sensorKind: 'radar', sensorId: `sapient:${A}`, statusIntervalMs: 1000, position: SITE, positionSource: 'survey', nodeTypes: ['NODE_TYPE_RADAR'] });
    expect(server.metrics().bySource[A]).toMatchObject({ received: 1, accepted: 1, registered: true });
  });

  it('refuses a registration of another ICD version, with the reason', async () => {
    const { server } = await start();
    const p = await peer(server);
    p.send(radarRegistration(A, 'SAPIENT v7'));
    const [ack] = await p.waitReplies(1);
    expect(ack.registration_ack).toMatchObject({ acceptance: false });
    expect(String((ack.registration_ack as ProtoObject).ack_response_reason)).toContain('SAPIENT v7');
    expect(server.metrics().total.rejected).toEqual({ registration_refused: 1 });
  });

  it('answers a message from an unregistered node with an Error naming the rule', async () => {
    const { server, got } = await start();
    const p = await peer(server);
    p.send(rangeBearingReport(A, T0, 10, 1, 500, OBJ));
    const [err] = await p.waitReplies(1);
    expect(kindOf(err)).toBe('error');
    expect(validateSapientMessage(err)).toEqual([]);
    expect((err.error as ProtoObject).error_message).toEqual([`node_not_registered: node ${A} has not registered on this connection`]);
    expect(got).toHaveLength(0);
  });

  it('turns location and range-bearing reports into Detections, about the position from the status report', async () => {
    const { server, got } = await start();
    const iter = server.detections();
    const p = await registered(server);
    p.send(statusWithLocation(A));
    p.send(rangeBearingReport(A, T0 + 1000, 45, 3, 1200, OBJ));
    p.send(locationReport(A, T0 + 2000, 26.11, -98.25, 60, OBJ));
    await settle(server, 4);
    expect(got).toHaveLength(2);
    const [rb, loc] = got;
    expect(rb.detection.measurement).toMatchObject({ kind: 'polar', rangeM: 1200 });
    expect(rb.detection.evidence?.classLabel).toEqual({ label: 'rotary-drone', confidence: expect.closeTo(0.8, 6) });
    const frame = LocalFrame.fromDegrees(SITE);
    const enu = frame.geodeticToEnu(rb.position!.latDeg, rb.position!.lonDeg, rb.position!.heightAboveEllipsoidM, new Float64Array(3));
    expect(enu[0]).toBeCloseTo(1200 * Math.cos(3 * Math.PI / 180) * Math.SQRT1_2, 6);
    expect(enu[2]).toBeCloseTo(1200 * Math.sin(3 * Math.PI / 180), 6);
    expect(loc.detection.measurement).toMatchObject({ kind: 'position', latDeg: 26.11, lonDeg: -98.25, heightAboveEllipsoidM: 60 });
    expect(server.node(A)?.positionSource).toBe('status');
    // The same detections come out of the async iterator, in order.
    expect((await iter.next()).value).toBe(rb);
    expect((await iter.next()).value).toBe(loc);
    expectBalanced(server);
  });

  it('refuses a range-bearing report while the node position is unknown', async () => {
    const { server, got } = await start();
    const p = await registered(server);
    p.send(rangeBearingReport(A, T0, 10, 1, 500, OBJ));
    const replies = await p.waitReplies(2);
    expect(kindOf(replies[1])).toBe('error');
    expect(String((replies[1].error as ProtoObject).error_message)).toMatch(/^node_position_unknown/);
    expect(got).toHaveLength(0);
    expect(server.metrics().bySource[A].rejected).toEqual({ node_position_unknown: 1 });
  });

  it('acknowledges an Alert and passes it on', async () => {
    const alerts: unknown[] = [];
    const { server } = await start({ onAlert: (a) => alerts.push(a) });
    const p = await registered(server);
    const alertId = ulid();
    p.send({ timestamp: msToTimestamp(T0), node_id: A, alert: { alert_id: alertId, alert_type: 2, description: 'drone over the port' } });
    const replies = await p.waitReplies(2);
    expect(replies[1].alert_ack).toMatchObject({ alert_id: alertId, alert_ack_status: 1 });
    expect(validateSapientMessage(replies[1])).toEqual([]);
    expect(alerts).toHaveLength(1);
  });

  it('tasks a node and resolves on its TaskAck; refuses tasks from a child', async () => {
    const { server } = await start();
    const p = await registered(server);
    const pending = server.request(A, 'Status');
    const replies = await p.waitReplies(2);
    const task = replies[1].task as ProtoObject;
    expect(validateSapientMessage(replies[1])).toEqual([]);
    expect(task.command).toMatchObject({ request: 'Status' });
    p.send({ timestamp: msToTimestamp(T0), node_id: A, task_ack: { task_id: task.task_id, task_status: 1 } });
    await expect(pending).resolves.toMatchObject({ taskId: task.task_id, status: 'TASK_STATUS_ACCEPTED' });
    p.send({ timestamp: msToTimestamp(T0), node_id: A, task: { task_id: ulid(), control: 1, command: { request: 'Stop' } } });
    const more = await p.waitReplies(3);
    expect(more[2].task_ack).toMatchObject({ task_status: 2 });
    await expect(server.request(B, 'Start')).rejects.toThrow(/not connected/);
  });

  it('answers an invalid message with an Error naming every broken rule, and counts it', async () => {
    const { server, got } = await start();
    const p = await registered(server);
    const bad = rangeBearingReport(A, T0, 10, 1, 500, 'not-a-ulid');
    delete (bad.detection_report as ProtoObject).report_id;
    p.send(bad);
    const replies = await p.waitReplies(2);
    const err = replies[1].error as ProtoObject;
    expect(err.error_message).toEqual([
      'is_mandatory at detection_report.report_id: DetectionReport.report_id is mandatory',
      'is_ulid at detection_report.object_id: "not-a-ulid" is not a ULID',
    ]);
    expect(Buffer.from(err.packet as Uint8Array).equals(Buffer.from(encodeSapientMessage(bad)))).toBe(true);
    expect(got).toHaveLength(0);
    expect(server.metrics().total.rejected).toEqual({ is_mandatory: 1 });
    expectBalanced(server);
  });

  it('never answers an Error with an Error', async () => {
    const { server } = await start();
    const p = await registered(server);
    p.send({ timestamp: msToTimestamp(T0), node_id: A, error: { packet: new Uint8Array([1]) } }); // invalid: no error_message
    p.send({ timestamp: msToTimestamp(T0), node_id: A, error: { packet: new Uint8Array([1]), error_message: ['you erred'] } });
    await settle(server, 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.replies).toHaveLength(1);
    expect(server.metrics().total).toMatchObject({ received: 3, accepted: 2, rejected: { is_mandatory: 1 } });
  });

  it('forgets a node that says goodbye', async () => {
    const { server } = await start();
    const p = await registered(server);
    p.send(statusWithLocation(A, SITE, 5));
    await settle(server, 2);
    expect(server.node(A)?.registered).toBe(false);
    p.send(locationReport(A, T0, 26.1, -98.2, 10, OBJ));
    const replies = await p.waitReplies(2);
    expect(kindOf(replies[1])).toBe('error');
  });
});

describe('SAPIENT fusion node server under hostile input', () => {
  it('survives garbage, interleaved valid and invalid frames, and loses none of the valid ones', async () => {
    const { server, got } = await start({ nodePositions: { [A]: SITE } });
    const p = await registered(server);
    const n = 40;
    const valid: ProtoObject[] = [];
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const m = rangeBearingReport(A, T0 + i * 100, i, 1, 300 + i, OBJ);
      valid.push(m);
      chunks.push(frame(encodeSapientMessage(m)));
      // Between every two valid frames: random bytes framed, a broken message, an empty frame.
      chunks.push(frame(Uint8Array.from({ length: 1 + (i % 17) }, (_, k) => (k * 73 + i * 31) & 0xff)));
      const broken = rangeBearingReport(A, T0, 1, 1, 1, 'bad');
      chunks.push(frame(encodeSapientMessage(broken)));
      chunks.push(frame(new Uint8Array(0)));
    }
    // Delivered in awkward slices so frames straddle TCP writes.
    const all = Buffer.concat(chunks);
    for (let off = 0; off < all.length; off += 97) p.sendRaw(all.subarray(off, off + 97));
    await settle(server, 1 + 4 * n);
    expect(got).toHaveLength(n);
    expect(got.map((d) => d.detection.measurement.kind === 'polar' && d.detection.measurement.rangeM)).toEqual(valid.map((_, i) => 300 + i));
    const m = server.metrics();
    expect(m.total.received).toBe(1 + 4 * n);
    expect(m.total.accepted).toBe(1 + n);
    expect(m.total.rejected.is_ulid).toBe(n);
    expect((m.total.rejected.protobuf_wire ?? 0) + (m.total.rejected.is_mandatory ?? 0) + (m.total.rejected.is_uuid ?? 0) + (m.total.rejected.enum_defined ?? 0) + (m.total.rejected.timestamp ?? 0) + (m.total.rejected.oneof_mandatory ?? 0)).toBe(2 * n);
    expect(m.internalErrors).toBe(0);
    expectBalanced(server);
    expect(p.closed).toBe(false);
  });

  it('answers a huge length prefix with an Error, hangs up, keeps what it accepted and keeps serving', async () => {
    const { server, got } = await start({ nodePositions: { [A]: SITE }, maxMessageBytes: 64 * 1024 });
    const p = await registered(server);
    p.send(rangeBearingReport(A, T0, 10, 1, 500, OBJ));
    p.send(rangeBearingReport(A, T0 + 100, 11, 1, 510, OBJ));
    p.sendRaw(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5]));
    p.send(rangeBearingReport(A, T0 + 200, 12, 1, 520, OBJ)); // after the bad length: unframeable, discarded
    await p.closedPromise;
    const err = p.replies.find((r) => kindOf(r) === 'error')!;
    expect(String((err.error as ProtoObject).error_message)).toMatch(/^frame_oversize/);
    expect(got).toHaveLength(2);
    expect(server.metrics().total.rejected.frame_oversize).toBe(1);
    // The server still serves others, and the node can come back.
    const q = await registered(server);
    q.send(rangeBearingReport(A, T0 + 300, 13, 1, 530, OBJ));
    await settle(server, 6);
    expect(got).toHaveLength(3);
    expectBalanced(server);
  });

  it('counts a frame cut short by the peer hanging up', async () => {
    const { server, got } = await start({ nodePositions: { [A]: SITE } });
    const p = await registered(server);
    p.send(locationReport(A, T0, 26.1, -98.2, 10, OBJ));
    const f = frame(encodeSapientMessage(locationReport(A, T0 + 1, 26.1, -98.2, 10, OBJ)));
    p.sendRaw(f.subarray(0, f.length - 3));
    await settle(server, 2);
    p.socket.end();
    await settle(server, 3);
    expect(got).toHaveLength(1);
    expect(server.metrics().total.rejected.frame_truncated).toBe(1);
  });

  it('bounds the detection queue (oldest dropped, counted) and the source table', async () => {
    const { server } = await start({ nodePositions: { [A]: SITE }, queueCapacity: 2, maxSources: 2 });
    const it = server.detections();
    const p = await registered(server);
    for (let i = 0; i < 5; i++) p.send(locationReport(A, T0 + i, 26.1, -98.2 + i * 1e-3, 10, OBJ));
    await settle(server, 6);
    expect(server.metrics().detections).toMatchObject({ delivered: 5, queued: 2, queueDropped: 3 });
    expect(((await it.next()).value as SapientDetection).detection.timeMs).toBe(T0 + 3);
    await registered(server, B);
    const c = await peer(server);
    c.send(radarRegistration(C));
    const [err] = await c.waitReplies(1);
    expect(String((err.error as ProtoObject).error_message)).toMatch(/source_limit|more than 2 source nodes/);
    expect(Object.keys(server.metrics().bySource).sort()).toEqual([A, B].sort());
  });

  it('drops replies to a peer that does not read, and says so', async () => {
    const { server } = await start({ maxPendingWriteBytes: -1 });
    const p = await peer(server);
    p.sendRaw(frame(new Uint8Array([0xff, 0xff])));
    await settle(server, 1);
    expect(server.metrics().total).toMatchObject({ repliesDropped: 1, errorsSent: 0 });
  });

  it('ends the async iterators when it closes', async () => {
    const { server } = await start();
    const it = server.detections();
    const next = it.next();
    await server.close();
    await expect(next).resolves.toEqual({ value: undefined, done: true });
  });
});

describe('registrationReportIntervalS', () => {
  const reg = (capabilities: ProtoObject[], modeParameters: ProtoObject[] = []): ProtoObject => ({
    capabilities, mode_definition: [{ mode_name: 'Default', mode_parameter: modeParameters }],
  });
  const cap = (type: string, value: string, units?: string): ProtoObject => ({ category: 'Radar', type, value, ...(units !== undefined ? { units } : {}) });

  it('reads the report period a node states in a capability or a mode parameter, in its units', () => {
    expect(registrationReportIntervalS(reg([cap('Update Rate', '2', 'Hz')]))).toBe(0.5);
    expect(registrationReportIntervalS(reg([cap('Scan Rate', '15', 'rpm')]))).toBe(4);
    expect(registrationReportIntervalS(reg([cap('Scan Period', '2.5', 'seconds')]))).toBe(2.5);
    expect(registrationReportIntervalS(reg([cap('report_interval', '500', 'ms')]))).toBe(0.5);
    expect(registrationReportIntervalS(reg([cap('Detection Report Rate', '4')]))).toBe(0.25); // a rate without units: Hz
    expect(registrationReportIntervalS(reg([cap('Revisit Time', '3')]))).toBe(3); // a period without units: s
    expect(registrationReportIntervalS(reg([], [{ type: 'ReportInterval', value: '200 ms' }]))).toBe(0.2);
    // The first plausible statement wins; capabilities before mode parameters.
    expect(registrationReportIntervalS(reg([cap('Maximum Range', '5000', 'm'), cap('Update Rate', '1', 'Hz')], [{ type: 'UpdatePeriod', value: '3' }]))).toBe(1);
  });

  it('states nothing for what is not a report period, or is implausible', () => {
    expect(registrationReportIntervalS({})).toBeUndefined();
    expect(registrationReportIntervalS(reg([cap('EMS', '3000', 'dB'), cap('Update Rate', 'fast'), cap('Update Rate', '1', 'furlongs')]))).toBeUndefined();
    expect(registrationReportIntervalS(reg([cap('Update Rate', '0', 'Hz'), cap('Update Period', '7200', 's')]))).toBeUndefined();
    expect(registrationReportIntervalS(reg([], [{ type: 'SelfAdaptation', value: 'Range' }]))).toBeUndefined();
  });

  it("is kept in the node's record when it registers", async () => {
    const { server } = await start({ nodePositions: { [A]: SITE } });
    const p = await peer(server);
    const r = radarRegistration(A);
    (r.registration as ProtoObject).capabilities = [cap('Update Rate', '2', 'Hz')];
    p.send(r);
    await p.waitReplies(1);
    expect(server.node(A)?.reportIntervalS).toBe(0.5);
  });
});
