/**
 * MIL-STD-2525 CoT type codes for what Centinela tracks.
 *
 * A CoT atom type is `a-<affiliation>-<battle dimension>-<function…>`. MITRE's type table
 * (../shared/standards/cot/CoTtypes.xml) lists every function as `a-.-<function>`, the dot
 * standing for any affiliation, so a code is valid when `a-.-<function>` is in the table.
 * The test suite checks every code this module can emit against that table.
 *
 * Choices, with the table entry each rests on:
 *   rotary-drone      A-M-H-Q  "Air/Mil/Rotor/Drone,RPV,UAV"   (2525 has no civil rotary drone)
 *   fixed-wing-drone  A-M-F-Q  "Air/Mil/Fixed/Drone,RPV,UAV"   (the ATAK/TAK convention; the
 *                              table's lower-case CoT extension A-C-F-q has no 2525 symbol)
 *   manned-aircraft   A-C-F    "Air/Civ/fixed"                  (cooperative traffic is mostly
 *                              fixed wing; A-C itself is disabled — `zot` — in the table, and
 *                              the class does not say rotor or wing: override per deployment)
 *   bird              A        "Air/Air Track"                  (no bird or animal code exists)
 *   ground-vehicle    G-E-V    "Gnd/Equip/Vehicle"
 *   unknown           A        "Air/Air Track"                  (an air-surveillance picture)
 */

import type { ObjectClass } from '../../model/detection.js';

/** Standard identity (affiliation) of a track, as 2525 and CoT spell it. */
export const AFFILIATIONS = ['friend', 'assumed-friend', 'neutral', 'unknown', 'pending', 'suspect', 'hostile'] as const;
export type Affiliation = (typeof AFFILIATIONS)[number];

/** The single CoT letter of each affiliation (CoTtypes.xml `is` predicates: ^a-f-, ^a-a-, …). */
export const AFFILIATION_CODE: Readonly<Record<Affiliation, string>> = {
  friend: 'f',
  'assumed-friend': 'a',
  neutral: 'n',
  unknown: 'u',
  pending: 'p',
  suspect: 's',
  hostile: 'h',
};

/** The 2525 function part (after `a-x-`) for each object class. */
export const CLASS_FUNCTION: Readonly<Record<ObjectClass, string>> = {
  'rotary-drone': 'A-M-H-Q',
  'fixed-wing-drone': 'A-M-F-Q',
  'manned-aircraft': 'A-C-F',
  bird: 'A',
  'ground-vehicle': 'G-E-V',
  unknown: 'A',
};

/**
 * The CoT type for a class and affiliation, e.g. ('rotary-drone', 'hostile') → `a-h-A-M-H-Q`.
 * @param functions per-class overrides of {@link CLASS_FUNCTION} (e.g. a site whose manned traffic
 *   is helicopters maps manned-aircraft to `A-C-H`)
 */
export function cotTypeFor(
  cls: ObjectClass,
  affiliation: Affiliation,
  functions: Partial<Record<ObjectClass, string>> = {},
): string {
  const fn = functions[cls] ?? CLASS_FUNCTION[cls];
  return `a-${AFFILIATION_CODE[affiliation]}-${fn}`;
}

/** The affiliation a CoT atom type states (`a-h-…` → hostile), or null for a non-atom or unknown letter. */
export function affiliationOfType(type: string): Affiliation | null {
  if (type.length < 3 || type[0] !== 'a' || type[1] !== '-') return null;
  const letter = type[2];
  for (const a of AFFILIATIONS) if (AFFILIATION_CODE[a] === letter && (type.length === 3 || type[3] === '-')) return a;
  return null;
}
