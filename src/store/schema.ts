/**
 * The SQLite store's schema and its migrations. The version lives in `meta.schema_version`;
 * opening a store applies the migrations it lacks, each in its own transaction, so a store
 * written by an older build is upgraded in place and one written by a newer build is refused
 * rather than misread.
 */
import type Database from 'better-sqlite3';

/** Migration i brings the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE detections (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, sensor_id TEXT, json TEXT NOT NULL);
  CREATE INDEX detections_time ON detections (time_ms);

  CREATE TABLE track_history (
    id INTEGER PRIMARY KEY, track_id INTEGER, time_ms INTEGER,
    lat REAL, lon REAL, altitude REAL, speed REAL, course REAL, cls TEXT, p_drone REAL, threat REAL
  );
  CREATE INDEX track_history_track_time ON track_history (track_id, time_ms);
  CREATE INDEX track_history_time ON track_history (time_ms);

  CREATE TABLE track_last (track_id INTEGER PRIMARY KEY, time_ms INTEGER, json TEXT NOT NULL);
  CREATE INDEX track_last_time ON track_last (time_ms);

  CREATE TABLE events (id INTEGER PRIMARY KEY, time_ms INTEGER, track_id INTEGER, type TEXT, json TEXT NOT NULL);
  CREATE INDEX events_time ON events (time_ms);
  CREATE INDEX events_track_time ON events (track_id, time_ms);

  CREATE TABLE alerts (id TEXT PRIMARY KEY, state TEXT, opened_ms INTEGER, updated_ms INTEGER, json TEXT NOT NULL);
  CREATE INDEX alerts_opened ON alerts (opened_ms);

  CREATE TABLE alert_changes (
    id INTEGER PRIMARY KEY, alert_id TEXT, time_ms INTEGER, kind TEXT, "by" TEXT, detail TEXT, json TEXT NOT NULL
  );
  CREATE INDEX alert_changes_alert ON alert_changes (alert_id, id);

  CREATE TABLE actions (id INTEGER PRIMARY KEY, time_ms INTEGER, json TEXT NOT NULL);
  CREATE INDEX actions_time ON actions (time_ms);

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY, time_ms INTEGER, "by" TEXT, action TEXT, alert_id TEXT, track_id INTEGER, detail TEXT
  );
  CREATE INDEX audit_time ON audit (time_ms);

  CREATE TABLE tokens (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, label TEXT NOT NULL,
    created_ms INTEGER NOT NULL, expires_ms INTEGER, revoked INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 2: sensors that joined while the service ran (SAPIENT nodes registering undeclared), so a
  // restart knows them again and a replay can read back what they reported.
  `
  CREATE TABLE sensors (id TEXT PRIMARY KEY, added_ms INTEGER NOT NULL, json TEXT NOT NULL);
  `,
  // 3: where and when tracks flew, kept as it is written (the heatmap): history samples per
  // hour, drone-or-not and grid cell (1/ACTIVITY_CELLS_PER_DEG degrees, indexed from the south-west corner of
  // the world), and which tracks flew in each hour. Aggregating track_history when asked took
  // seconds on a week of it, and better-sqlite3 blocks the process while it runs. Filled from
  // the history already stored.
  `
  CREATE TABLE activity (
    hour_ms INTEGER NOT NULL, drone INTEGER NOT NULL, y INTEGER NOT NULL, x INTEGER NOT NULL, samples INTEGER NOT NULL,
    PRIMARY KEY (hour_ms, drone, y, x)
  ) WITHOUT ROWID;
  CREATE TABLE activity_tracks (
    hour_ms INTEGER NOT NULL, drone INTEGER NOT NULL, track_id INTEGER NOT NULL,
    PRIMARY KEY (hour_ms, drone, track_id)
  ) WITHOUT ROWID;
  INSERT INTO activity (hour_ms, drone, y, x, samples)
    SELECT (CAST(time_ms AS INTEGER) / 3600000) * 3600000, p_drone >= 0.5, CAST((lat + 90) * 500 AS INTEGER), CAST((lon + 180) * 500 AS INTEGER), count(*)
    FROM track_history WHERE lat IS NOT NULL AND lon IS NOT NULL AND p_drone IS NOT NULL GROUP BY 1, 2, 3, 4;
  INSERT INTO activity_tracks (hour_ms, drone, track_id)
    SELECT DISTINCT (CAST(time_ms AS INTEGER) / 3600000) * 3600000, p_drone >= 0.5, track_id
    FROM track_history WHERE lat IS NOT NULL AND lon IS NOT NULL AND p_drone IS NOT NULL;
  `,
];

/** Activity grid cells per degree of latitude and of longitude: 1/500°, 222 m tall. */
export const ACTIVITY_CELLS_PER_DEG = 500;

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to SCHEMA_VERSION; throws (leaving the file untouched) on a store it cannot read. */
export function migrate(db: Database.Database, path: string): void {
  let version = readVersion(db, path);
  if (version > SCHEMA_VERSION) {
    throw new Error(`${path}: store schema version ${version} is newer than this build supports (${SCHEMA_VERSION}); upgrade Centinela`);
  }
  while (version < SCHEMA_VERSION) {
    const next = version + 1;
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)
                  ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(next));
    })();
    version = next;
  }
}

/** 0 for an empty database; refuses one that holds other tables but is not a Centinela store. */
function readVersion(db: Database.Database, path: string): number {
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
  if (tables.length === 0) return 0;
  if (!tables.includes('meta')) throw new Error(`${path}: not a Centinela store (an SQLite database without its meta table)`);
  const raw = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get() as string | undefined;
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) throw new Error(`${path}: corrupt store (schema_version is ${JSON.stringify(raw)})`);
  return version;
}
