// One study's results dashboard: its statistics from main (studies.results, computed on request
// from every answer so far) and its export files (studies.export), saved as downloads.
import type { ExportFormat, ExportedFile, StudyResults } from '../../../app/results';
import type { StudySummary } from '../../../app/study';
import type { ApiClient } from '../api-client';
import { saveExportedFile } from '../results/download';
import { resultQuestions, type ResultQuestion } from '../results/questions';

export class ResultsState {
  results = $state.raw<StudyResults | null>(null);
  loading = $state(false);
  problem = $state<string | null>(null);
  /** The export on its way (one at a time: each builds the file from the whole study). */
  exporting = $state<ExportFormat | null>(null);
  /** The question of the MRMC, kappa and ICC files; '' lets main choose (the first truth-scored one, or all). */
  exportQuestion = $state('');
  lastSaved = $state<string | null>(null);
  readonly questions: ResultQuestion[] = $derived(this.results ? resultQuestions(this.results) : []);
  readonly study: Pick<StudySummary, 'id' | 'name'>;
  readonly #api: ApiClient;
  readonly #save: (f: ExportedFile) => void;

  constructor(api: ApiClient, study: Pick<StudySummary, 'id' | 'name'>, save: (f: ExportedFile) => void = saveExportedFile) {
    this.#api = api;
    this.study = study;
    this.#save = save;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.problem = null;
    try {
      this.results = await this.#api.call('studies.results', { studyId: this.study.id });
    } catch (e) {
      this.problem = `Could not compute the results: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.loading = false;
    }
  }

  async export(format: ExportFormat): Promise<void> {
    if (this.exporting) return;
    this.exporting = format;
    this.problem = null;
    try {
      const question = this.exportQuestion && QUESTION_FORMATS.has(format) ? this.exportQuestion : undefined;
      const file = await this.#api.call('studies.export', { studyId: this.study.id, format, ...(question ? { question } : {}) });
      this.#save(file);
      this.lastSaved = file.fileName;
    } catch (e) {
      this.problem = `Could not export ${format}: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.exporting = null;
    }
  }
}

/** The formats whose file is about one question (the others hold every question). */
export const QUESTION_FORMATS: ReadonlySet<ExportFormat> = new Set(['imrmc', 'rjafroc', 'mrmcaov', 'mrmc-key', 'kappa', 'icc']);
