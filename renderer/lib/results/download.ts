// Downloads made in the renderer: a blob behind an <a download> link. Electron's window and the
// loopback host's browser both save such a link the same way (to the downloads folder, or where
// the user picks), so neither host needs a file-writing endpoint for it.
import type { ExportedFile } from '../../../app/results';

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its copy by then; otherwise the URL would live as long as the page.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves an export's content under the name main suggested. */
export function saveExportedFile(file: ExportedFile): void {
  saveBlob(new Blob([file.content], { type: `${file.mediaType};charset=utf-8` }), file.fileName);
}
