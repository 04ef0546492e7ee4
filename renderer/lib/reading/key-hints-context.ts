// The reader's key map as the question controls see it, to show beside each option the key that
// answers it. Set by the trial screen; without it (the protocol preview) the defaults are shown.
import { getContext, setContext } from 'svelte';
import type { KeyMap } from '../../../app/study';
import { DEFAULT_KEYMAP } from './keymap';

const KEY = Symbol('reading-keymap');

export const setKeyHints = (keymap: () => KeyMap): void => void setContext(KEY, keymap);
export const keyHints = (): (() => KeyMap) => getContext<(() => KeyMap) | undefined>(KEY) ?? (() => DEFAULT_KEYMAP);
