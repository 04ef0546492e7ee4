// Small texts of the package screens: file names to suggest, sizes, dates, and what a refused
// import or opening says. Nothing here sees a method, a model or a case: only files, keys and counts.
import { ApiError } from '../api-client';

/** "Lung nodules — round 2" → "lung-nodules-round-2" (a file name part; "study" when nothing is left). */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'study';
}

/** The study package's suggested file name for one reader. */
export const studyPackageName = (study: string, reader: string): string => `${slug(study)}-for-${slug(reader)}.verdict.tar`;

/** The answer package's suggested file name. */
export const answerPackageName = (study: string, reader: string): string => `${slug(study)}-answers-${slug(reader)}.verdict.tar`;

/**
 * Whether a typed path is a full one (POSIX "/…", Windows "C:\…" or "\\server\…"): main would
 * read a relative one against its own working folder, which the person typing cannot see.
 */
export const isFullPath = (path: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path.trim());

/** Why a typed file path cannot be used yet, or null. */
export function pathProblem(path: string): string | null {
  if (!path.trim()) return 'Give the file.';
  if (!isFullPath(path)) return 'Give the full path of the file (from / or a drive letter).';
  return null;
}

/** 1 234 567 bytes → "1.2 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** An ISO time as "2026-12-07 11:02" (local time): when a package was made or merged. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A refusal as shown: main's message (it names the file and the part, or the reason) and its code. */
export type Refusal = { code: string | null; message: string };

export function refusalOf(e: unknown): Refusal {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: null, message: e instanceof Error ? e.message : String(e) };
}

/** What to do about a refused package, for whoever holds it: the coordinator importing answers, or a reader opening a study. */
export function refusalAdvice(code: string | null, side: 'coordinator' | 'reader'): string | null {
  const sender = side === 'coordinator' ? 'the reader' : 'your coordinator';
  switch (code) {
    case 'package.tampered':
    case 'package.invalid':
      return `The file was changed or damaged on its way: ask ${sender} to send it again.`;
    case 'package.untrusted-key':
      return 'Do not import it until the reader has told you why their key changed (another workstation needs a new study package).';
    case 'package.stale':
      return 'A newer answer file from this reader has been merged already: nothing is missing.';
    case 'package.wrong-study':
      return 'Import it on the workstation that holds that study.';
    default:
      return null;
  }
}

/**
 * The reader key to confirm before an import can go on: a 'package.untrusted-key' refusal for a
 * reader with no key registered yet (with the reader's name where main gives it). A key that differs
 * from the registered one is not offered for trust (that refusal carries `registered`): it is
 * refused, never swapped from this screen.
 */
export function keyToConfirm(e: unknown): { fingerprint: string; readerName: string | null } | null {
  if (!(e instanceof ApiError) || e.code !== 'package.untrusted-key') return null;
  const fingerprint = e.detail?.fingerprint;
  if (typeof fingerprint !== 'string' || e.detail?.registered !== undefined) return null;
  const readerName = e.detail?.readerName;
  return { fingerprint, readerName: typeof readerName === 'string' ? readerName : null };
}

/** The new passphrase's problem, or null: at least 8 characters, typed the same twice. */
export function passphraseProblem(passphrase: string, again: string): string | null {
  if (passphrase.length < 8) return 'Use at least 8 characters.';
  if (passphrase !== again) return 'The two passphrases differ.';
  return null;
}

/** A fingerprint in two lines of eight groups, easier to read aloud over the phone. */
export function fingerprintLines(fingerprint: string): string[] {
  const groups = fingerprint.trim().split(/\s+/);
  return groups.length > 8 ? [groups.slice(0, 8).join(' '), groups.slice(8).join(' ')] : [groups.join(' ')];
}
