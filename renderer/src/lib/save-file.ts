import type { ExportFile } from '$contract/index.ts';

/**
 * Offers a file made by the main process as a download: the browser (or Electron, which asks where to save)
 * writes it where the user chooses. Nothing is written by the page itself.
 */
export function saveFile(file: ExportFile): void {
  const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled, so the download has started from it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The desktop app (Electron's preload) can open files with the system viewer; a browser tab cannot. */
export function canOpenFiles(): boolean {
  return typeof window !== 'undefined' && Boolean(window.eyenet);
}
