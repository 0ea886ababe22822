import type { HandlerMap } from '../handler.ts';
import { appHandlers } from './app.ts';
import { backupHandlers } from './backups.ts';
import { auditHandlers, authHandlers, userHandlers } from './auth.ts';
import { imageHandlers } from './images.ts';
import { importHandlers } from './imports.ts';
import { learningHandlers } from './learning.ts';
import { pacsHandlers } from './pacs.ts';
import { patientHandlers } from './patients.ts';
import { recordHandlers } from './records.ts';
import { referralHandlers } from './referrals.ts';
import { exportHandlers, reportHandlers } from './reports.ts';
import { reviewHandlers } from './reviews.ts';
import { settingsHandlers } from './settings.ts';
import { visitHandlers } from './visits.ts';
import { watchHandlers } from './watch.ts';
import { worklistHandlers } from './worklists.ts';

/** Every channel the renderer can call, keyed `area:action`. Both transports serve exactly this map. */
export const handlers: HandlerMap = {
  ...appHandlers,
  ...authHandlers,
  ...userHandlers,
  ...auditHandlers,
  ...backupHandlers,
  ...patientHandlers,
  ...visitHandlers,
  ...settingsHandlers,
  ...importHandlers,
  ...imageHandlers,
  ...reviewHandlers,
  ...recordHandlers,
  ...worklistHandlers,
  ...referralHandlers,
  ...reportHandlers,
  ...exportHandlers,
  ...watchHandlers,
  ...learningHandlers,
  ...pacsHandlers,
};
