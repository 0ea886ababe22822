import type { ReportKind } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';
import { saveFile } from '../lib/save-file.ts';

export type VisitExport = ReportKind | 'fhir' | 'open-report' | 'open-referral';

/** One visit's report, referral letter and FHIR export: each made by the main process, then saved or opened. */
export class VisitExportsState {
  busy = $state<VisitExport | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  constructor(private readonly visitId: number) {}

  async run(what: VisitExport): Promise<void> {
    if (this.busy) return;
    this.busy = what;
    this.error = null;
    this.notice = null;
    try {
      if (what === 'fhir') saveFile(await call('exports:fhir', { visitId: this.visitId }));
      else if (what === 'open-report' || what === 'open-referral') {
        const out = await call('reports:open', {
          visitId: this.visitId,
          kind: what === 'open-report' ? 'report' : 'referral',
        });
        this.notice = `Opened ${out.path}.`;
      } else {
        const file = await call('reports:pdf', { visitId: this.visitId, kind: what });
        saveFile(file);
        this.notice = `${file.fileName} is ready.`;
      }
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = null;
    }
  }
}
