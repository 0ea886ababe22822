// The one API contract between the renderer and the main process. Both transports (Electron IPC through the
// preload, and loopback HTTP for `npm run serve`) carry exactly these channels, inputs and outputs.
// Dependency-free on purpose: the renderer imports it, so it must never pull in Node, Electron or native code.

export type Eye = 'OD' | 'OS';

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNKNOWN_CHANNEL'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_UNAVAILABLE'
  | 'DB_TOO_NEW'
  | 'INTERNAL';

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface Patient {
  id: number;
  clinicId: string;
  name: string;
  dateOfBirth: string | null;
  sex: 'female' | 'male' | 'other' | null;
  createdAt: string;
  lastVisitDate: string | null;
}

export interface NewPatient {
  clinicId: string;
  name: string;
  dateOfBirth?: string | null;
  sex?: 'female' | 'male' | 'other' | null;
}

export interface Visit {
  id: number;
  patientId: number;
  date: string;
  createdAt: string;
}

export interface QualityVerdict {
  gradable: boolean;
  /** Machine-readable reason codes, e.g. `too_dark`; empty when gradable. */
  reasons: string[];
  metrics: Record<string, number>;
}

export interface ModelInfo {
  name: string;
  version: string;
  validated: boolean;
  preprocessing: string;
}

export interface GradeResult {
  id: number;
  imageId: number;
  quality: QualityVerdict;
  /** ICDR grade 0–4, null when the image is ungradable: no grade is ever produced for such an image. */
  grade: number | null;
  /** Probabilities of ICDR grades 0..4, null when ungradable. */
  probabilities: number[] | null;
  /** Probability of referable DR (grade >= 2), null when ungradable. */
  referableProbability: number | null;
  /** The operating point in force when graded: at or above it the eye is flagged referable. */
  referableThreshold: number | null;
  model: ModelInfo;
  backend: string;
  timings: {
    decodeMs: number;
    preprocessMs: number;
    inferenceMs: number;
    heatmapMs: number;
    totalMs: number;
  };
  /** A heatmap of where the model saw referable-DR evidence is stored (`images:file` kind `heatmap`). */
  hasHeatmap: boolean;
  createdAt: string;
}

export interface FundusImage {
  id: number;
  visitId: number;
  eye: Eye;
  fileName: string;
  sha256: string;
  width: number;
  height: number;
  importedAt: string;
  result: GradeResult | null;
}

export interface VisitDetail extends Visit {
  images: FundusImage[];
}

export interface PatientDetail {
  patient: Patient;
  visits: VisitDetail[];
}

export interface AppInfo {
  appVersion: string;
  backend: string;
  model: ModelInfo | null;
  modelError: string | null;
  dataDir: string;
  disclaimer: string;
}

export interface ImportImageInput {
  visitId: number;
  eye: Eye;
  fileName: string;
  bytes: Uint8Array;
}

export interface ImportImageOutput {
  image: FundusImage;
  /** True when this exact photograph was already imported for this visit and eye. */
  duplicate: boolean;
  /** Set when the eye chosen by the user disagrees with `_left`/`_right` in the file name. */
  eyeWarning: string | null;
}

export interface SiteSettings {
  /** The site's referable-DR operating point, or null to use the model's. */
  referableThreshold: number | null;
  /** The model's own operating point (chosen on its validation data), for comparison. */
  modelReferableThreshold: number | null;
}

export interface ImageFile {
  mimeType: string;
  bytes: Uint8Array;
}

/** Every channel: its input and output. Adding a channel here forces a handler and a test update. */
export interface ApiSchema {
  'app:info': { input: Record<string, never>; output: AppInfo };
  'patients:list': { input: { query?: string }; output: Patient[] };
  'patients:create': { input: NewPatient; output: Patient };
  'patients:get': { input: { id: number }; output: PatientDetail };
  'visits:create': { input: { patientId: number; date: string }; output: Visit };
  'settings:get': { input: Record<string, never>; output: SiteSettings };
  'settings:update': { input: { referableThreshold: number | null }; output: SiteSettings };
  'images:import': { input: ImportImageInput; output: ImportImageOutput };
  'images:file': {
    input: { imageId: number; kind: 'original' | 'thumbnail' | 'preview' | 'heatmap' };
    output: ImageFile;
  };
}

export type Channel = keyof ApiSchema;
export type ApiInput<C extends Channel> = ApiSchema[C]['input'];
export type ApiOutput<C extends Channel> = ApiSchema[C]['output'];

/** The object the renderer sees as `window.eyenet`, whichever transport is behind it. */
export interface EyenetApi {
  invoke<C extends Channel>(channel: C, input: ApiInput<C>): Promise<Envelope<ApiOutput<C>>>;
}

export const CHANNELS = [
  'app:info',
  'patients:list',
  'patients:create',
  'patients:get',
  'visits:create',
  'settings:get',
  'settings:update',
  'images:import',
  'images:file',
] as const satisfies readonly Channel[];

export const SCREENING_DISCLAIMER =
  'EyeNet is a screening aid, not a diagnosis. Every result must be reviewed by a qualified clinician.';

/** Compile-time proof that CHANNELS lists every channel of ApiSchema. */
export const CHANNELS_COMPLETE: [Exclude<Channel, (typeof CHANNELS)[number]>] extends [never] ? true : never =
  true;
