import sharp from 'sharp';
import type { ClinicDetails, ClinicUpdate, PaperSize } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';
import type { AppContext } from '../services/app-context.ts';

/** The clinic as stored in settings; the logo lives in the image store by its SHA-256. */
export interface StoredClinic {
  name: string;
  address: string;
  paperSize: PaperSize;
  logoSha256: string | null;
}

const NO_CLINIC: StoredClinic = { name: '', address: '', paperSize: 'A4', logoSha256: null };

/** A logo is printed about 4 cm wide: 600 px is plenty, and keeps every report small. */
const LOGO_SIDE = 600;
export const MAX_LOGO_BYTES = 5 * 1024 * 1024;

export function storedClinic(ctx: Pick<AppContext, 'db'>): StoredClinic {
  return { ...NO_CLINIC, ...getSetting<Partial<StoredClinic>>(ctx.db, SETTING_KEYS.clinic) };
}

export function clinicDetails(ctx: Pick<AppContext, 'db'>): ClinicDetails {
  const { name, address, paperSize, logoSha256 } = storedClinic(ctx);
  return { name, address, paperSize, hasLogo: logoSha256 !== null };
}

/** A logo as a PNG no larger than LOGO_SIDE, or a sentence saying why the file cannot be one. */
async function normaliseLogo(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const meta = await sharp(bytes).metadata();
    if (meta.format !== 'png' && meta.format !== 'jpeg') throw new Error(meta.format);
    const png = await sharp(bytes)
      .rotate()
      .resize({ width: LOGO_SIDE, height: LOGO_SIDE, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  } catch {
    throw new AppError('INVALID_INPUT', 'The logo must be a PNG or JPEG picture.');
  }
}

/** Saves name, address and paper size; the logo only when given (null removes it). */
export async function saveClinic(ctx: Pick<AppContext, 'db' | 'store'>, update: ClinicUpdate): Promise<void> {
  let { logoSha256 } = storedClinic(ctx);
  if (update.logo === null) logoSha256 = null;
  else if (update.logo) logoSha256 = (await ctx.store.put(await normaliseLogo(update.logo))).sha256;
  const next: StoredClinic = {
    name: update.name.trim(),
    address: update.address.trim(),
    paperSize: update.paperSize,
    logoSha256,
  };
  setSetting(ctx.db, SETTING_KEYS.clinic, next);
}
