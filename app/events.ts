// Events pushed from main to the renderer (progress, results of long jobs, menu commands).
import type { ImportProgress, ImportReport } from './domain';
import type { ExplainProgress } from './explain';

export type MenuCommand = 'import-folder' | 'open-study' | 'export';

export type Events = {
  'import.progress': ImportProgress;
  'import.finished': ImportReport;
  'study.changed': { studyName: string };
  'explain.progress': ExplainProgress;
  'menu.command': { command: MenuCommand; path?: string };
};
export type EventName = keyof Events;
export type EventMessage = { [K in EventName]: { event: K; payload: Events[K] } }[EventName];
