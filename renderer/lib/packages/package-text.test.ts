import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-client';
import {
  answerPackageName,
  fingerprintLines,
  formatBytes,
  formatWhen,
  isFullPath,
  keyToConfirm,
  passphraseProblem,
  pathProblem,
  refusalAdvice,
  refusalOf,
  slug,
  studyPackageName,
} from './package-text';

const FP = '3f2a 91c0 0a1b 2c3d 4e5f 6071 8293 a4b5 c6d7 e8f9 0a1b 2c3d 4e5f 6071 8293 a4b5';

describe('package texts', () => {
  it('suggests file names from the study and the reader', () => {
    expect(slug('Lung nodules — round 2')).toBe('lung-nodules-round-2');
    expect(slug('Dr Émile Zoë')).toBe('dr-emile-zoe');
    expect(slug('***')).toBe('study');
    expect(studyPackageName('ISIC reading', 'Dr Skin')).toBe('isic-reading-for-dr-skin.verdict.tar');
    expect(answerPackageName('ISIC reading', 'Dr Skin')).toBe('isic-reading-answers-dr-skin.verdict.tar');
  });
  it('takes full paths only (main would resolve a relative one against a folder nobody sees)', () => {
    expect(isFullPath('/tmp/a.tar')).toBe(true);
    expect(isFullPath('C:\\Users\\me\\a.tar')).toBe(true);
    expect(isFullPath('\\\\server\\share\\a.tar')).toBe(true);
    expect(isFullPath('a.tar')).toBe(false);
    expect(isFullPath('~/a.tar')).toBe(false);
    expect(pathProblem('  ')).toMatch(/Give the file/);
    expect(pathProblem('out/a.tar')).toMatch(/full path/);
    expect(pathProblem('/tmp/a.tar')).toBeNull();
  });
  it('writes sizes in decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 kB');
    expect(formatBytes(23_400_000)).toBe('23 MB');
    expect(formatBytes(4_200_000_000)).toBe('4.2 GB');
  });
  it('writes times to the minute and leaves what is not a time as it is', () => {
    expect(formatWhen(new Date(2026, 11, 7, 9, 5).toISOString())).toBe('2026-12-07 09:05');
    expect(formatWhen('not a date')).toBe('not a date');
  });
  it('offers a reader key for trust only when none is registered for that reader', () => {
    const first = new ApiError({
      code: 'package.untrusted-key',
      message: 'Dr Skin has no key registered yet',
      detail: { fingerprint: FP },
    });
    const swapped = new ApiError({
      code: 'package.untrusted-key',
      message: 'not the one registered',
      detail: { fingerprint: FP, registered: 'x' },
    });
    const other = new ApiError({ code: 'package.tampered', message: 'part answers.json', detail: { part: 'answers.json' } });
    expect(keyToConfirm(first)).toEqual({ fingerprint: FP, readerName: null });
    const named = new ApiError({
      code: 'package.untrusted-key',
      message: 'no key yet',
      detail: { fingerprint: FP, readerName: 'Dr Skin' },
    });
    expect(keyToConfirm(named)).toEqual({ fingerprint: FP, readerName: 'Dr Skin' });
    expect(keyToConfirm(swapped)).toBeNull();
    expect(keyToConfirm(other)).toBeNull();
    expect(keyToConfirm(new Error('x'))).toBeNull();
    expect(refusalOf(other)).toEqual({ code: 'package.tampered', message: 'part answers.json' });
    expect(refusalOf(new Error('boom'))).toEqual({ code: null, message: 'boom' });
  });
  it('says what to do about a refusal, to whoever holds the file', () => {
    expect(refusalAdvice('package.tampered', 'coordinator')).toMatch(/ask the reader to send it again/);
    expect(refusalAdvice('package.tampered', 'reader')).toMatch(/ask your coordinator to send it again/);
    expect(refusalAdvice('package.stale', 'coordinator')).toMatch(/newer/);
    expect(refusalAdvice('api.invalid-args', 'reader')).toBeNull();
    expect(refusalAdvice(null, 'reader')).toBeNull();
  });
  it('asks for a passphrase of 8 characters typed twice the same', () => {
    expect(passphraseProblem('short', 'short')).toMatch(/8 characters/);
    expect(passphraseProblem('long enough', 'long enougH')).toMatch(/differ/);
    expect(passphraseProblem('long enough', 'long enough')).toBeNull();
  });
  it('splits a fingerprint into two lines of eight groups', () => {
    const lines = fingerprintLines(FP);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.split(' ').length)).toEqual([8, 8]);
    expect(lines.join(' ')).toBe(FP);
  });
});
