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

export type Sex = 'female' | 'male' | 'other';
export type DiabetesType = 'type1' | 'type2' | 'gestational' | 'other' | 'unknown';

export interface Patient {
  id: number;
  clinicId: string;
  name: string;
  dateOfBirth: string | null;
  sex: Sex | null;
  diabetesType: DiabetesType | null;
  /** Year diabetes was diagnosed. */
  diagnosisYear: number | null;
  notes: string;
  createdAt: string;
  updatedAt: string | null;
  lastVisitDate: string | null;
}

/** A row of the patient list: the patient and what their latest visit led to. */
export interface PatientListItem extends Patient {
  /** The latest visit's referral and recall, null without visits. */
  lastOutcome: { visitDate: string; rule: ReferralRule; final: boolean } | null;
}

export interface NewPatient {
  clinicId: string;
  name: string;
  dateOfBirth?: string | null;
  sex?: Sex | null;
  diabetesType?: DiabetesType | null;
  diagnosisYear?: number | null;
  notes?: string;
}

export interface PatientUpdate extends NewPatient {
  id: number;
}

/** Enough to name a patient in a list (review queue, import plan). */
export interface PatientRef {
  id: number;
  clinicId: string;
  name: string;
}

export interface Visit {
  id: number;
  patientId: number;
  date: string;
  /** Who took the photographs. */
  operator: string;
  /** Camera make and model. */
  camera: string;
  createdAt: string;
}

export interface NewVisit {
  patientId: number;
  date: string;
  operator?: string;
  camera?: string;
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

/** A clinician's decision on one model result. The model's grade is kept beside it, never overwritten. */
export interface Review {
  id: number;
  resultId: number;
  /** The model's grade at the time of review (null: the model found the photograph ungradable). */
  modelGrade: number | null;
  /** The clinician's grade (null: the clinician agrees the photograph is ungradable). */
  clinicianGrade: number | null;
  action: 'accept' | 'override';
  reason: string;
  reviewer: string;
  reviewedAt: string;
}

export interface ReviewInput {
  resultId: number;
  /** The clinician's grade; null confirms the photograph as ungradable. */
  grade: number | null;
  /** Required when the grade differs from the model's. */
  reason?: string;
  reviewer: string;
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
  /** The latest clinician review of `result`, null while unreviewed. */
  review: Review | null;
}

/** The screening categories a referral policy maps to an action. `ungradable_again`: still ungradable after re-imaging. */
export type ReferralCategory = '0' | '1' | '2' | '3' | '4' | 'ungradable' | 'ungradable_again';

export const REFERRAL_CATEGORIES: readonly ReferralCategory[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  'ungradable',
  'ungradable_again',
];

export type ReferralAction = 'rescreen' | 'refer' | 'refer_urgent' | 'reimage';

export interface ReferralRule {
  action: ReferralAction;
  /** Rescreen or refer within this many months; null for urgent referral and re-imaging. */
  months: number | null;
}

export type ReferralPolicy = Record<ReferralCategory, ReferralRule>;

export interface EyeOutcome {
  eye: Eye;
  /** `missing`: no photograph of this eye in the visit (treated like an ungradable eye). */
  category: ReferralCategory | 'missing';
  /** The grade that decides: the clinician's when reviewed, else the model's; null when ungradable or missing. */
  grade: number | null;
  source: 'clinician' | 'model' | null;
  /**
   * True when an unreviewed model grade below 2 was raised to 2 because the referable-DR probability
   * reached the operating point: the flag refers, it is never silently ignored.
   */
  raisedByReferableFlag: boolean;
  /** Every photograph of this eye in the visit has a clinician review. */
  reviewed: boolean;
}

export interface VisitOutcome {
  eyes: Record<Eye, EyeOutcome>;
  /** The worse eye, which decides referral and recall; null when neither eye has a photograph. */
  decidingEye: Eye | null;
  category: ReferralCategory | 'missing';
  rule: ReferralRule;
  /** Both eyes photographed and every photograph reviewed by a clinician. */
  final: boolean;
}

export interface VisitDetail extends Visit {
  images: FundusImage[];
  outcome: VisitOutcome;
}

export interface ReviewQueueItem {
  patient: PatientRef;
  visitId: number;
  visitDate: string;
  image: FundusImage;
  /** Flagged referable at the operating point the result was graded with. */
  referable: boolean;
}

export interface ImportTargetPattern {
  kind: 'pattern';
  /** Defaults to the site's pattern (settings). */
  pattern?: string;
}

export interface ImportTargetPatient {
  kind: 'patient';
  patientId: number;
}

export interface ImportPlanItem {
  fileName: string;
  patient: PatientRef | null;
  eye: Eye | null;
  /** Why this file will be skipped; null when it can be imported. */
  problem: string | null;
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
  /** The eye chosen by the user; when absent it is read from `_left`/`_right` in the file name. */
  eye?: Eye;
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
  /** Referral and recall per screening category, as this site practises it. */
  referralPolicy: ReferralPolicy;
  /** ICDR/AAO-based defaults, for "reset". */
  defaultReferralPolicy: ReferralPolicy;
  /** How batch-import file names name the patient and eye, e.g. `{clinicId}_{eye}`. */
  importPattern: string;
}

export interface SettingsUpdate {
  referableThreshold?: number | null;
  /** null restores the default. */
  referralPolicy?: ReferralPolicy | null;
  /** null restores the default. */
  importPattern?: string | null;
}

export interface ImageFile {
  mimeType: string;
  bytes: Uint8Array;
}

/** Every channel: its input and output. Adding a channel here forces a handler and a test update. */
export interface ApiSchema {
  'app:info': { input: Record<string, never>; output: AppInfo };
  'patients:list': { input: { query?: string }; output: PatientListItem[] };
  'patients:create': { input: NewPatient; output: Patient };
  'patients:get': { input: { id: number }; output: PatientDetail };
  'patients:update': { input: PatientUpdate; output: Patient };
  'visits:create': { input: NewVisit; output: Visit };
  'visits:update': { input: { id: number; operator: string; camera: string }; output: Visit };
  'settings:get': { input: Record<string, never>; output: SiteSettings };
  'settings:update': { input: SettingsUpdate; output: SiteSettings };
  'imports:plan': {
    input: { fileNames: string[]; target: ImportTargetPattern | ImportTargetPatient };
    output: ImportPlanItem[];
  };
  'images:import': { input: ImportImageInput; output: ImportImageOutput };
  'reviews:queue': { input: Record<string, never>; output: ReviewQueueItem[] };
  'reviews:submit': { input: ReviewInput; output: Review };
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
  'patients:update',
  'visits:create',
  'visits:update',
  'settings:get',
  'settings:update',
  'imports:plan',
  'images:import',
  'images:file',
  'reviews:queue',
  'reviews:submit',
] as const satisfies readonly Channel[];

export const SCREENING_DISCLAIMER =
  'EyeNet is a screening aid, not a diagnosis. Every result must be reviewed by a qualified clinician.';

/** Compile-time proof that CHANNELS lists every channel of ApiSchema. */
export const CHANNELS_COMPLETE: [Exclude<Channel, (typeof CHANNELS)[number]>] extends [never] ? true : never =
  true;
