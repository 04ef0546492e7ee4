// Events pushed from main to the renderer (progress, results of long jobs, menu commands).
import type { ImportProgress, ImportReport } from './domain';
import type { ExplainProgress } from './explain';
import type { StudyId, StudyPreparation } from './study';

export type MenuCommand = 'import-folder' | 'open-study' | 'open-package' | 'export';

export type Events = {
  'import.progress': ImportProgress;
  'import.finished': ImportReport;
  'study.changed': { studyName: string };
  'explain.progress': ExplainProgress;
  /** A study's stimulus preparation, to the coordinator who created (or re-prepared) it. */
  'study.preparation': { studyId: StudyId } & StudyPreparation;
  'menu.command': { command: MenuCommand; path?: string };
};
export type EventName = keyof Events;
export type EventMessage = { [K in EventName]: { event: K; payload: Events[K] } }[EventName];
