// For the key tests (focus-kind, keymap, reading-keys): a key press with Ctrl, Alt and Meta up unless given.
import type { KeyPress } from './focus-kind';

export const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});
