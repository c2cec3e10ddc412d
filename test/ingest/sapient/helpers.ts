/**
 * Where the SAPIENT conformance data lives, and the skip rule every SAPIENT test shares: on a
 * laptop without ../shared/standards the tests that need it skip with one line; under CI=true
 * its absence is a failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import type protobuf from 'protobufjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const standards = process.env.CENTINELA_STANDARDS ?? resolve(repoRoot, '..', 'shared', 'standards');
export const sapientDir = join(standards, 'sapient');
export const samplesDir = join(sapientDir, 'samples');
export const protoDir = join(sapientDir, 'proto');
export const haveStandards = existsSync(join(samplesDir, 'valid')) && existsSync(join(protoDir, 'sapient_msg'));

if (!haveStandards && process.env.CI === 'true') throw new Error(`CI needs the SAPIENT conformance data at ${sapientDir}`);
let warned = false;
/** `describe` when the standards folder is present, `describe.skip` (with one warning) otherwise. */
export function describeStandards(name: string, fn: () => void): void {
  if (!haveStandards && !warned) {
    warned = true;
    console.warn(`skipping SAPIENT conformance tests: ${sapientDir} is absent`);
  }
  (haveStandards ? describe : describe.skip)(name, fn);
}

export function sampleNames(kind: 'valid' | 'invalid'): string[] {
  return haveStandards ? readdirSync(join(samplesDir, kind)).filter((f) => f.endsWith('.json')).sort() : [];
}

export function readSample(kind: 'valid' | 'invalid', name: string): string {
  return readFileSync(join(samplesDir, kind, name), 'utf8');
}

export function goldenFor(validJsonName: string): Buffer {
  return readFileSync(join(samplesDir, 'valid-framed-bin', validJsonName.replace(/\.json$/, '.bin')));
}

/**
 * The official v2.0 .proto files parsed by protobufjs at test time: the reference our
 * hand-written schema is compared against, and the independent encoder of the two-process test.
 */
export function loadReferenceRoot(): protobuf.Root {
  const require = createRequire(import.meta.url);
  const pb = require('protobufjs') as typeof protobuf;
  const pbDir = dirname(require.resolve('protobufjs/package.json'));
  const root = new pb.Root();
  root.resolvePath = (_origin: string, target: string) =>
    target.startsWith('google/protobuf/') ? join(pbDir, target) : join(protoDir, target);
  root.loadSync('sapient_msg/bsi_flex_335_v2_0/sapient_message.proto', { keepCase: true });
  root.resolveAll();
  return root;
}
