// The questions a study's results speak of, with their prompts, in the order the results list
// them: what the export's question picker offers and how accuracy panels are titled.
import type { StudyResults } from '../../../app/results';

export type ResultQuestion = { id: string; prompt: string };

export function resultQuestions(r: Pick<StudyResults, 'ratings' | 'agreement' | 'accuracy' | 'intraReader'>): ResultQuestion[] {
  const seen = new Map<string, string>();
  const add = (id: string, prompt?: string) => {
    if (!seen.has(id) || (prompt && seen.get(id) === id)) seen.set(id, prompt || id);
  };
  for (const q of r.ratings) add(q.questionId, q.prompt);
  for (const q of r.agreement) add(q.questionId, q.prompt);
  for (const q of r.accuracy) add(q.questionId);
  for (const q of r.intraReader) add(q.questionId);
  return [...seen].map(([id, prompt]) => ({ id, prompt }));
}

export const promptOf = (questions: readonly ResultQuestion[], id: string): string => questions.find((q) => q.id === id)?.prompt ?? id;
