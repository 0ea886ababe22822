import { call, messageOf } from '../lib/api.ts';
import { todayIso } from '../lib/format.ts';
import { saveFile } from '../lib/save-file.ts';

/** CSV and FHIR exports of every visit in a date range (this month so far, to begin with). */
export class RangeExportsState {
  from = $state(`${todayIso().slice(0, 8)}01`);
  to = $state(todayIso());
  busy = $state<'csv' | 'fhir' | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  async run(what: 'csv' | 'fhir'): Promise<void> {
    if (this.busy) return;
    this.error = null;
    this.notice = null;
    if (!this.from || !this.to || this.from > this.to) {
      this.error = 'Choose a range that starts on or before the day it ends.';
      return;
    }
    this.busy = what;
    try {
      const range = { from: this.from, to: this.to };
      const file = await call(what === 'csv' ? 'exports:csv' : 'exports:fhir', range);
      saveFile(file);
      this.notice = `${file.fileName} is ready.`;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = null;
    }
  }
}
