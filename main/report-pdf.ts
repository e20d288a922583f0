import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { said } from '../core/messages';
import { err, ok, type Result } from '../core/result';

/** The parts of Electron a PDF report needs; tests pass stand-ins (the Electron binary does not run here). */
export interface PdfHost {
  /** `webContents.printToPDF` of the window that asked: the page as its print stylesheet lays it out. */
  printToPDF(options: {
    printBackground: boolean;
    pageSize: 'A4';
    generateTaggedPDF: boolean;
    margins: { top: number; bottom: number; left: number; right: number };
  }): Promise<Uint8Array>;
  /** `dialog.showSaveDialog` for that window. */
  showSaveDialog(options: {
    title: string;
    defaultPath: string;
    filters: Array<{ name: string; extensions: string[] }>;
  }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
  /** Where the save dialog opens (the user's documents folder). */
  documentsDir: string;
}

/**
 * Saves the page the clinician is looking at (the session report and patient card, printed with
 * the app's print stylesheet) as a PDF file they choose. Cancelling saves nothing; a file that
 * cannot be written says so and where.
 */
export async function saveReportPdf(
  host: PdfHost,
  fileName: string,
  write: (path: string, data: Uint8Array) => Promise<void> = writeFile,
): Promise<Result<{ savedTo: string | null }>> {
  let data: Uint8Array;
  try {
    // A4 with 15 mm margins, tagged for screen readers.
    data = await host.printToPDF({
      printBackground: true,
      pageSize: 'A4',
      generateTaggedPDF: true,
      margins: { top: 0.6, bottom: 0.6, left: 0.6, right: 0.6 },
    });
  } catch (e) {
    return err(said('INTERNAL', 'pdfLayoutFailed', { detail: (e as Error).message }));
  }
  const choice = await host.showSaveDialog({
    title: 'Save the report as PDF',
    defaultPath: join(host.documentsDir, fileName),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  });
  if (choice.canceled || choice.filePath === undefined || choice.filePath === '') return ok({ savedTo: null });
  try {
    await write(choice.filePath, data);
  } catch (e) {
    return err(said('STORAGE_FAILED', 'pdfNotWritten', { path: choice.filePath, detail: (e as Error).message }));
  }
  return ok({ savedTo: choice.filePath });
}
