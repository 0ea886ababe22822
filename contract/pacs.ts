// Screening through a PACS: the DICOMweb servers set up, what a pull brought in, and results on their way back.

export interface PacsServer {
  id: number;
  name: string;
  /** The DICOMweb root, e.g. https://pacs.clinic.local/dicom-web. */
  url: string;
  username: string | null;
  /** A password is saved (sealed; it never comes back to a page). */
  hasPassword: boolean;
  /** A FHIR endpoint the visit's bundle is sent to with the DICOM result, or null. */
  fhirUrl: string | null;
}

export interface PacsServerInput {
  /** Absent: a new server. */
  id?: number;
  name: string;
  url: string;
  username?: string;
  /** Absent keeps the saved password; '' removes it. */
  password?: string;
  fhirUrl?: string;
}

export interface PulledStudy {
  studyInstanceUid: string;
  patientId: string;
  studyDate: string | null;
  state: 'imported' | 'refused' | 'failed';
  /** What was imported, or why not, in a sentence. */
  message: string;
  visitId: number | null;
  /** The patient's record the study went into, or null. */
  patientRecordId: number | null;
}

export interface PullResult {
  /** Studies the server listed. */
  listed: number;
  /** Listed studies already pulled before (never imported twice). */
  alreadyPulled: number;
  studies: PulledStudy[];
}

export interface OutboxItem {
  id: number;
  serverName: string;
  visitId: number;
  /** superseded: the visit was amended or signed again before it went; the newer sign-off goes instead. */
  state: 'pending' | 'sent' | 'superseded';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
}

/** Channels of the PACS area. */
export interface PacsApi {
  'pacs:servers': { input: Record<string, never>; output: PacsServer[] };
  'pacs:saveServer': { input: PacsServerInput; output: PacsServer };
  'pacs:removeServer': { input: { id: number }; output: PacsServer[] };
  /** Lists the server's new fundus studies since a date and imports them (patient by ID, eye by laterality). */
  'pacs:pull': { input: { serverId: number; since?: string }; output: PullResult };
  /** Queues a signed visit's result (SR and PDF, and FHIR where set up) for the server, and tries to send it now. */
  'pacs:push': { input: { serverId: number; visitId: number }; output: OutboxItem };
  'pacs:outbox': { input: Record<string, never>; output: OutboxItem[] };
}
