// Each reader's key bindings: the default map (app/study.ts) with the reader's changes. A
// change names actions the reading view knows, and no key may serve two actions.
import type { Database } from 'better-sqlite3';
import { DEFAULT_KEYMAP, KEY_ACTIONS, type KeyAction, type KeyMap } from '../../../app/study';
import { completeKeymap, UNBOUND } from '../../../app/keymap';
import { VerdictError } from '../../../app/errors';

export function keymapOf(db: Database, readerId: number): KeyMap {
  const row = db.prepare('SELECT keymap_json FROM reader_keymap WHERE reader_id = ?').get(readerId) as { keymap_json: string } | undefined;
  // A map stored before actions were added (answer-6…9) still loads, the new ones completed.
  return row ? completeKeymap(JSON.parse(row.keymap_json) as Partial<Record<string, unknown>>) : { ...DEFAULT_KEYMAP };
}

export function setKeymap(db: Database, readerId: number, changes: Record<string, string>, at: string): KeyMap {
  return db.transaction(() => {
    const next = keymapOf(db, readerId);
    for (const [action, key] of Object.entries(changes)) {
      if (!(KEY_ACTIONS as readonly string[]).includes(action))
        throw new VerdictError('keymap.invalid', `"${action}" is not a reading action; actions are ${KEY_ACTIONS.join(', ')}.`, { action });
      next[action as KeyAction] = key;
    }
    const byKey = new Map<string, KeyAction>();
    for (const a of KEY_ACTIONS) {
      if (next[a] === UNBOUND) continue;
      const other = byKey.get(next[a]);
      if (other) throw new VerdictError('keymap.invalid', `"${next[a]}" would serve both ${other} and ${a}.`, { key: next[a] });
      byKey.set(next[a], a);
    }
    db.prepare(
      `INSERT INTO reader_keymap (reader_id, keymap_json, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (reader_id) DO UPDATE SET keymap_json = excluded.keymap_json, updated_at = excluded.updated_at`,
    ).run(readerId, JSON.stringify(next), at);
    return next;
  })();
}
