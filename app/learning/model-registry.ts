import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelHistoryEntry, ModelVersion, ModelsOverview } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';
import type { Database } from '../db/database.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { promotionMargin, promotionVerdict } from './promotion.ts';

/** Where models are: shipped with the app beside the default one, and fine-tuned here under the data folder. */
export interface ModelPlaces {
  /** The bundled default model's folder (resources/models/<name>); its siblings are the other bundled ones. */
  bundledModelDir: string;
  dataDir: string;
}

export const localModelsDir = (dataDir: string) => path.join(dataDir, 'models');

interface Metadata {
  name: string;
  version: string;
  validated?: boolean;
  fineTunedFrom?: { name: string; version: string };
  localValidation?: ModelVersion['localValidation'];
}

export function readMetadata(dir: string): Metadata | null {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as Metadata;
    return typeof m.name === 'string' && typeof m.version === 'string' ? m : null;
  } catch {
    return null;
  }
}

function folders(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter(
        (e) =>
          e.isDirectory() &&
          !e.name.endsWith('.partial') &&
          existsSync(path.join(root, e.name, 'model.json')),
      )
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export function modelHistory(db: Database): ModelHistoryEntry[] {
  return getSetting<ModelHistoryEntry[]>(db, SETTING_KEYS.modelHistory) ?? [];
}

function dirOf(places: ModelPlaces, entry: Pick<ModelHistoryEntry, 'id' | 'source'>): string {
  return path.join(
    entry.source === 'bundled' ? path.dirname(places.bundledModelDir) : localModelsDir(places.dataDir),
    entry.id,
  );
}

/** The model to grade with: the latest promotion or rollback whose folder still exists, else the bundled default. */
export function activeModelFolder(db: Database, places: ModelPlaces): string {
  const last = modelHistory(db).at(-1);
  if (last) {
    const dir = dirOf(places, last);
    if (existsSync(path.join(dir, 'model.json'))) return dir;
  }
  return places.bundledModelDir;
}

export function modelsOverview(db: Database, places: ModelPlaces): ModelsOverview {
  const active = activeModelFolder(db, places);
  // Judged at the margin in force now: a site that makes the gate stricter sees its candidates judged so.
  const delta = promotionMargin(db);
  const versions: ModelVersion[] = [];
  for (const [source, root] of [
    ['bundled', path.dirname(places.bundledModelDir)],
    ['local', localModelsDir(places.dataDir)],
  ] as const)
    for (const id of folders(root)) {
      const dir = path.join(root, id);
      const m = readMetadata(dir);
      if (!m) continue;
      const local = m.localValidation ?? null;
      versions.push({
        id,
        source,
        name: m.name,
        version: m.version,
        validated: m.validated === true,
        active: path.resolve(dir) === path.resolve(active),
        fineTunedFrom: m.fineTunedFrom ?? null,
        localValidation: local,
        verdict: local ? promotionVerdict(local, delta) : null,
      });
    }
  return { versions, history: modelHistory(db) };
}

type Switching = Pick<AppContext, 'db' | 'grading'> & ModelPlaces;

function record(ctx: Switching, entry: Omit<ModelHistoryEntry, 'at'>): void {
  setSetting(ctx.db, SETTING_KEYS.modelHistory, [
    ...modelHistory(ctx.db),
    { ...entry, at: new Date().toISOString() },
  ]);
}

/**
 * Promotes a local candidate: refused, with the gate's reasons, unless the gate says promote — or, given
 * `override` (an administrator's reason), unless it says override (better here, worse on the reference set). The
 * new model is loaded before the record says it is active, so a model that cannot load changes nothing; every
 * result keeps the version that made it.
 */
export async function promoteModel(
  ctx: Switching,
  id: string,
  by: string,
  override?: string,
): Promise<ModelsOverview> {
  const version = modelsOverview(ctx.db, ctx).versions.find((v) => v.source === 'local' && v.id === id);
  if (!version) throw new AppError('NOT_FOUND', `No fine-tuned model “${id}” on this workstation.`);
  if (version.active)
    throw new AppError('CONFLICT', `${version.name} ${version.version} is already grading.`);
  const decision = version.verdict?.decision ?? 'refuse';
  const reasons = (version.verdict?.reasons ?? ['It has no local evaluation.']).join(' ');
  if (override === undefined && decision !== 'promote')
    throw new AppError('CONFLICT', `${version.name} ${version.version} cannot be promoted. ${reasons}`);
  if (override !== undefined && decision !== 'override')
    throw new AppError(
      'CONFLICT',
      decision === 'promote'
        ? `${version.name} ${version.version} needs no override: a clinician can promote it.`
        : `${version.name} ${version.version} cannot be promoted, not even by an administrator. ${reasons}`,
    );
  await ctx.grading.switchModel(dirOf(ctx, { id, source: 'local' }));
  record(ctx, {
    id,
    source: 'local',
    version: version.version,
    action: 'promote',
    by,
    ...(override !== undefined ? { override } : {}),
  });
  return modelsOverview(ctx.db, ctx);
}

/** Back to the model that graded before the active one was promoted (the bundled default before any promotion). */
export async function rollbackModel(ctx: Switching, by: string): Promise<ModelsOverview> {
  const history = modelHistory(ctx.db);
  const activeDir = path.resolve(activeModelFolder(ctx.db, ctx));
  // The model before the active one: walk back to the entry before the one that made it active.
  const entries = [{ id: path.basename(ctx.bundledModelDir), source: 'bundled' as const }, ...history];
  let index = entries.length - 1;
  while (index > 0 && path.resolve(dirOf(ctx, entries[index]!)) !== activeDir) index--;
  if (index === 0)
    throw new AppError(
      'CONFLICT',
      'The model shipped with the app is grading: there is nothing to roll back to.',
    );
  const previous = entries
    .slice(0, index)
    .reverse()
    .find(
      (e) => path.resolve(dirOf(ctx, e)) !== activeDir && existsSync(path.join(dirOf(ctx, e), 'model.json')),
    );
  const target = previous ?? entries[0]!;
  const meta = readMetadata(dirOf(ctx, target));
  await ctx.grading.switchModel(dirOf(ctx, target));
  record(ctx, {
    id: target.id,
    source: target.source,
    version: meta?.version ?? '?',
    action: 'rollback',
    by,
  });
  return modelsOverview(ctx.db, ctx);
}
