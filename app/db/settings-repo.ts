import { prepared, type Database } from './database.ts';
import { SETTING_KEYS, type SettingKey } from './settings-keys.ts';

/** Site settings, stored as JSON values by key. */
export function getSetting<T>(db: Database, key: SettingKey): T | null {
  const row = prepared<[string], { value: string }>(db, 'SELECT value FROM settings WHERE key = ?').get(key);
  return row ? (JSON.parse(row.value) as T) : null;
}

export function setSetting(db: Database, key: SettingKey, value: unknown): void {
  if (value === null || value === undefined) {
    prepared(db, 'DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  prepared(
    db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}

/** The operating point in force: the site's own if set, else the model's. */
export function referableThresholdInForce(db: Database, modelDefault: number | null): number | null {
  return getSetting<number>(db, SETTING_KEYS.referableThreshold) ?? modelDefault;
}
