import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeStandards, goldenFor, repoRoot, samplesDir } from './helpers.js';

/**
 * `centinela sapient validate` through the real CLI (node bin/centinela.js, i.e. the built
 * dist/). The build is refreshed first when our sources are newer than it.
 */
const bin = join(repoRoot, 'bin', 'centinela.js');
const built = join(repoRoot, 'dist', 'src', 'cli', 'sapient.js');

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function centinela(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot });
}

describeStandards('centinela sapient validate', () => {
  let dir: string;
  beforeAll(() => {
    const src = Math.max(newest(join(repoRoot, 'src', 'ingest', 'sapient')), statSync(join(repoRoot, 'src', 'cli', 'sapient.ts')).mtimeMs, statSync(join(repoRoot, 'src', 'cli', 'main.ts')).mtimeMs);
    if (!existsSync(built) || statSync(built).mtimeMs < src) {
      // tsc still writes JavaScript when some other module has type errors; we need only ours.
      spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
    }
    expect(existsSync(built)).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'centinela-validate-'));
  }, 120_000);

  it('exits 0 on a valid JSON sample, a framed .bin and an unframed .bin', () => {
    const json = centinela('sapient', 'validate', join(samplesDir, 'valid', 'DetectionReport.FullMessage.json'));
    expect(json.status, json.stderr).toBe(0);
    expect(json.stdout).toContain('valid detection_report (json)');
    const framedFile = join(samplesDir, 'valid-framed-bin', 'Registration.Big.Message.bin');
    const framed = centinela('sapient', 'validate', framedFile);
    expect(framed.status, framed.stderr).toBe(0);
    expect(framed.stdout).toContain('(framed)');
    const bare = join(dir, 'bare.bin');
    writeFileSync(bare, goldenFor('Task.FullMessage.Follow.json').subarray(4));
    const unframed = centinela('sapient', 'validate', bare);
    expect(unframed.status, unframed.stderr).toBe(0);
    expect(unframed.stdout).toContain('valid task (binary)');
  });

  it('validates every message of a file of several frames', () => {
    const many = join(dir, 'many.bin');
    writeFileSync(many, Buffer.concat(['Alert.FullMessage.json', 'TaskAck.Rejected.FullMessage.json', 'Error.FullMessage.json'].map(goldenFor)));
    const r = centinela('sapient', 'validate', many, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('framed');
    expect(out.messages.map((m: { content: string }) => m.content)).toEqual(['alert', 'task_ack', 'error']);
  });

  it('exits 1 and prints the broken rule for an invalid file', () => {
    const r = centinela('sapient', 'validate', join(samplesDir, 'invalid', '0194.BadId.Alert.AssociatedDetection.json'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/is_uuid at alert\.associated_detection\[0\]\.node_id: "01H4R63D7NVN8444Z5M77WEBY2" is not a UUID/);
    const m = centinela('sapient', 'validate', join(samplesDir, 'invalid', '0027.Registration.IcdVersion.Missing.json'));
    expect(m.status).toBe(1);
    expect(m.stdout).toContain('is_mandatory at registration.icd_version');
  });

  it('exits 1 on binary that is not a SapientMessage, and on a message broken in binary form', () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from([0x0a, 0xff, 0x01, 0x02]));
    const r = centinela('sapient', 'validate', junk);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('protobuf_wire');
    // A golden message with its node_id cut short stays decodable but breaks is_uuid.
    const g = Buffer.from(readFileSync(join(samplesDir, 'valid-framed-bin', 'AlertAck.Accepted.FullMessage.bin')));
    const at = g.indexOf(Buffer.from('a8654cdf-'));
    g[at] = 'z'.charCodeAt(0);
    const bad = join(dir, 'bad-uuid.bin');
    writeFileSync(bad, g);
    const u = centinela('sapient', 'validate', bad);
    expect(u.status).toBe(1);
    expect(u.stdout).toMatch(/is_uuid at (node_id|destination_id)/);
  });

  it('exits 2 when the file cannot be read', () => {
    const r = centinela('sapient', 'validate', join(dir, 'nope.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });
});
