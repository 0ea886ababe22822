// Reports and exchange: the visit's PDF report and referral letter, CSV and FHIR exports.

/** `report`: for the patient and the record; `referral`: a letter to the ophthalmologist. */
export type ReportKind = 'report' | 'referral';

/** A file made for the user to save (the page offers it as a download). */
export interface ExportFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface DateRangeInput {
  /** ISO dates, inclusive. */
  from: string;
  to: string;
}

/** Channels of the reports and exports areas. */
export interface ReportsApi {
  /** The visit's report or referral letter as PDF, on the site's paper size unless another is asked for. */
  'reports:pdf': {
    input: { visitId: number; kind: ReportKind; paperSize?: 'A4' | 'Letter' };
    output: ExportFile;
  };
  /** Desktop app only: writes the PDF into the data folder's reports/ and opens it with the system viewer. */
  'reports:open': { input: { visitId: number; kind: ReportKind }; output: { path: string } };
  /** Visits over a date range, one row per eye. */
  'exports:csv': { input: DateRangeInput; output: ExportFile };
  /** A FHIR R4 Bundle of one visit or of every visit in a date range, each with its PDF report attached. */
  'exports:fhir': { input: { visitId: number } | DateRangeInput; output: ExportFile };
}
