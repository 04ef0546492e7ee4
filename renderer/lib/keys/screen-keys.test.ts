import { describe, expect, it } from 'vitest';
import { ctKeyAction } from '../ct/ct-keys';
import { CT_KEYS, opensHelp, workstationKeys } from './screen-keys';

describe('workstation keys', () => {
  it('lists the CT viewer’s keys, the overlay’s with the jump, and the page’s for a CT case', () => {
    const s = workstationKeys('ct');
    expect(s.map((x) => x.title)).toEqual(['CT viewer', 'Explanation overlay', 'Page']);
    expect(s[1].rows.map((r) => r.keys)).toContain('J');
    expect(workstationKeys('dermo')[1].rows.map((r) => r.keys)).not.toContain('J');
    expect(workstationKeys('none').map((x) => x.title)).toEqual(['Page']);
  });

  it('names only keys the CT viewer acts on', () => {
    const single = CT_KEYS.flatMap((r) => r.keys.split(/[ ·]+/)).filter((k) => /^[0-9A-Za-z+]$/.test(k));
    for (const k of single) expect(ctKeyAction(k), k).not.toBeNull();
    for (const k of ['Home', 'End', 'PgUp', 'PgDn']) expect(CT_KEYS.some((r) => r.keys.includes(k))).toBe(true);
  });

  it('opens on "?" alone', () => {
    expect(opensHelp({ key: '?', ctrlKey: false, altKey: false, metaKey: false })).toBe(true);
    expect(opensHelp({ key: '?', ctrlKey: true, altKey: false, metaKey: false })).toBe(false);
    expect(opensHelp({ key: '/', ctrlKey: false, altKey: false, metaKey: false })).toBe(false);
  });
});
