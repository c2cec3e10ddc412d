/**
 * `centinela sapient …`: tools for integrators of SAPIENT (BSI Flex 335 v2.0) nodes.
 *
 *   centinela sapient validate <file.json|file.bin> [--json]
 *
 * Checks a message against the standard's rules (mandatory fields, ULID/UUID formats, mandatory
 * oneofs, enumerations, ranges) as the fusion node does on the wire. A `.json` file is proto3
 * JSON; anything else is protobuf binary, either one bare SapientMessage or a sequence of frames
 * with the 4-byte little-endian length prefix (told apart automatically). Exit status: 0 valid,
 * 1 invalid (each broken rule printed), 2 the file could not be read.
 *
 * Registered from main.ts through `registerSapientCommands`, so this file owns its commands.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { splitFrames } from '../ingest/sapient/framing.js';
import type { Violation } from '../ingest/sapient/rules.js';
import { oneofCase, type ProtoObject } from '../ingest/sapient/schema.js';
import { parseSapientBinary, parseSapientJson } from '../ingest/sapient/validate.js';

export interface FileValidation {
  file: string;
  format: 'json' | 'binary' | 'framed';
  messages: { index: number; content: string | null; violations: Violation[] }[];
  valid: boolean;
}

/** Validates one file (JSON, bare binary or framed binary). Throws only when it cannot be read. */
export function validateSapientFile(file: string): FileValidation {
  const bytes = readFileSync(file);
  const kind = (m: ProtoObject | null) => (m ? (oneofCase(m, 'SapientMessage', 'content') ?? null) : null);
  const looksJson = /\.json$/i.test(file) || /^\s*[{[]/.test(bytes.subarray(0, 64).toString('latin1'));
  let format: FileValidation['format'];
  let messages: FileValidation['messages'];
  if (looksJson) {
    format = 'json';
    const r = parseSapientJson(bytes.toString('utf8'));
    messages = [{ index: 0, content: kind(r.message), violations: r.violations }];
  } else {
    const frames = splitFrames(bytes);
    if (frames) {
      format = 'framed';
      messages = frames.map((f, index) => {
        const r = parseSapientBinary(f);
        return { index, content: kind(r.message), violations: r.violations };
      });
    } else {
      format = 'binary';
      const r = parseSapientBinary(bytes);
      messages = [{ index: 0, content: kind(r.message), violations: r.violations }];
    }
  }
  return { file, format, messages, valid: messages.every((m) => m.violations.length === 0) };
}

export function registerSapientCommands(program: Command): void {
  const sapient = program.command('sapient').description('SAPIENT (BSI Flex 335 v2.0) tools');
  sapient
    .command('validate')
    .description('check a SapientMessage (proto3 JSON, or protobuf binary framed or not) against the standard; exit 0 valid, 1 invalid')
    .argument('<file>', 'message file: .json (proto3 JSON) or .bin (binary, with or without the 4-byte length prefix)')
    .option('--json', 'print the result as one JSON object')
    .action((file: string, opts: { json?: boolean }) => {
      let r: FileValidation;
      try {
        r = validateSapientFile(file);
      } catch (e) {
        process.stderr.write(`centinela: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
        return;
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
      } else {
        const several = r.messages.length > 1;
        for (const m of r.messages) {
          const where = several ? `${file} #${m.index}` : file;
          if (!m.violations.length) {
            process.stdout.write(`${where}: valid ${m.content ?? 'message'} (${r.format})\n`);
            continue;
          }
          for (const v of m.violations) process.stdout.write(`${where}: ${v.message}\n`);
        }
      }
      process.exitCode = r.valid ? 0 : 1;
    });
}
