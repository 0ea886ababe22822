// The one API contract between the renderer and the main process, composed from one file per area. Both
// transports (Electron IPC through the preload, and loopback HTTP for `npm run serve`) carry exactly these
// channels, inputs and outputs. Dependency-free on purpose: the renderer imports it, so it must never pull in
// Node, Electron or native code; it may import the shared vocabulary (domain/), which imports nothing.
import type { AppApi } from './app.ts';
import type { AuthApi } from './auth.ts';
import type { BackupsApi } from './backups.ts';
import type { Envelope } from './envelope.ts';
import type { ImagesApi } from './images.ts';
import type { ImportsApi } from './imports.ts';
import type { LearningApi } from './learning.ts';
import type { PacsApi } from './pacs.ts';
import type { PatientsApi } from './patients.ts';
import type { RecordsApi } from './records.ts';
import type { ReferralsApi } from './referral-tracking.ts';
import type { ReportsApi } from './reports.ts';
import type { ReviewsApi } from './reviews.ts';
import type { SettingsApi } from './settings.ts';
import type { VisitsApi } from './visits.ts';
import type { WatchApi } from './watch.ts';
import type { WorklistsApi } from './worklists.ts';

export type { Eye } from '../domain/eye.ts';
export type { QualityVerdict, QualityReason } from '../domain/quality.ts';
export type { ModelInfo, Timings, GradeOutcome } from '../domain/results.ts';
export * from './app.ts';
export * from './auth.ts';
export * from './backups.ts';
export * from './envelope.ts';
export * from './images.ts';
export * from './imports.ts';
export * from './learning.ts';
export * from './maculopathy.ts';
export * from './pacs.ts';
export * from './referral-tracking.ts';
export * from './patients.ts';
export * from './records.ts';
export * from './referral.ts';
export * from './refs.ts';
export * from './reports.ts';
export * from './reviews.ts';
export * from './settings.ts';
export * from './visits.ts';
export * from './watch.ts';
export * from './worklists.ts';

/** Every channel: its input and output. Adding a channel here forces a handler and a test update. */
export interface ApiSchema
  extends
    AppApi,
    AuthApi,
    BackupsApi,
    PatientsApi,
    VisitsApi,
    SettingsApi,
    ImportsApi,
    ImagesApi,
    ReviewsApi,
    RecordsApi,
    ReferralsApi,
    ReportsApi,
    WorklistsApi,
    WatchApi,
    LearningApi,
    PacsApi {}

export type Channel = keyof ApiSchema;

export type ApiInput<C extends Channel> = ApiSchema[C]['input'];

export type ApiOutput<C extends Channel> = ApiSchema[C]['output'];

/** The object the renderer sees as `window.eyenet`, whichever transport is behind it. */
export interface EyenetApi {
  invoke<C extends Channel>(channel: C, input: ApiInput<C>): Promise<Envelope<ApiOutput<C>>>;
}

export const CHANNELS = [
  'app:info',
  'app:changes',
  'app:clinicServer',
  'app:useClinicServer',
  'auth:status',
  'auth:setup',
  'auth:login',
  'auth:logout',
  'auth:lock',
  'auth:changePassword',
  'users:list',
  'users:create',
  'users:update',
  'audit:list',
  'audit:verify',
  'backups:status',
  'backups:setFolder',
  'backups:run',
  'patients:list',
  'patients:create',
  'patients:get',
  'patients:update',
  'patients:merge',
  'visits:create',
  'visits:update',
  'visits:signOff',
  'settings:get',
  'settings:update',
  'settings:policyImpact',
  'settings:operatingPointImpact',
  'imports:plan',
  'imports:dicomPlan',
  'imports:dicom',
  'images:import',
  'images:file',
  'images:move',
  'images:regrade',
  'reviews:queue',
  'reviews:count',
  'reviews:submit',
  'reviews:readings',
  'reviews:secondRead',
  'reviews:arbitrate',
  'records:delete',
  'records:restore',
  'records:deleted',
  'worklists:get',
  'referrals:record',
  'reports:pdf',
  'reports:open',
  'exports:csv',
  'exports:fhir',
  'watch:status',
  'watch:assign',
  'watch:dismiss',
  'learning:status',
  'learning:models',
  'learning:promote',
  'learning:override',
  'learning:rollback',
  'learning:fineTune',
  'learning:job',
  'learning:cancel',
  'pacs:servers',
  'pacs:saveServer',
  'pacs:removeServer',
  'pacs:pull',
  'pacs:push',
  'pacs:outbox',
] as const satisfies readonly Channel[];

/** Compile-time proof that CHANNELS lists every channel of ApiSchema. */
export const CHANNELS_COMPLETE: [Exclude<Channel, (typeof CHANNELS)[number]>] extends [never] ? true : never =
  true;
