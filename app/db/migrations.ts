// Numbered and append-only: one file per migration under migrations/, listed here in order.
import { migration0001 } from './migrations/0001-patients-visits-images-results.ts';
import { migration0002 } from './migrations/0002-heatmaps-thresholds-settings.ts';
import { migration0003 } from './migrations/0003-history-operator-reviews.ts';
import { migration0004 } from './migrations/0004-tombstones-changes-decided-policy.ts';
import { migration0005 } from './migrations/0005-dicom-identity-watch-log.ts';
import { migration0006 } from './migrations/0006-users-audit-versions.ts';
import { migration0007 } from './migrations/0007-login-attempts.ts';
import { migration0008 } from './migrations/0008-quality-regions.ts';
import { migration0009 } from './migrations/0009-visit-findings-signoff.ts';
import { migration0010 } from './migrations/0010-referral-tracking.ts';
import { migration0011 } from './migrations/0011-second-reading.ts';
import { migration0012 } from './migrations/0012-image-camera.ts';
import { migration0013 } from './migrations/0013-maculopathy.ts';
import { migration0014 } from './migrations/0014-pacs.ts';
import { migration0015 } from './migrations/0015-audit-workstation.ts';
import type { Migration } from './migrations/migration.ts';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
