// A viewer's keys, listened for on the whole window rather than on the viewer element, so that
// they work whenever the viewer is on screen — after a wheel scroll, a click on a button, or with
// focus on a trial's heading — and not only while the viewer has focus. Listens in the bubble
// phase: a key the reading view (capture phase) or a focused control has used arrives marked
// defaultPrevented and is left alone.
import { focusKind, viewerTakes, type FocusedElement } from './focus-kind';

/** A viewer's key handler: true when the key (down: pressed, or up) was used. */
export type ViewerKeyHandler = (key: string, pressed: boolean) => boolean;

/** Listens on `window` for keys meant for the viewer in `element`; returns the stop function. */
export function listenViewerKeys(element: HTMLElement, handle: ViewerKeyHandler): () => void {
  const focusOf = () => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'free' as const;
    // Another viewer with focus keeps its keys.
    const app = active.closest('[role=application]');
    if (app && app !== element && !element.contains(app)) return 'other-viewer' as const;
    // A modal dialog open anywhere owns the keyboard.
    if (document.querySelector('[aria-modal=true]') && !element.contains(active)) return 'dialog' as const;
    return focusKind(active as unknown as FocusedElement);
  };
  const down = (e: KeyboardEvent) => {
    if (e.defaultPrevented || !viewerTakes(e, focusOf())) return;
    if (handle(e.key, true)) e.preventDefault();
  };
  // A release always reaches the viewer: a held key (hold B) must not stick.
  const up = (e: KeyboardEvent) => void handle(e.key, false);
  window.addEventListener('keydown', down);
  window.addEventListener('keyup', up);
  return () => {
    window.removeEventListener('keydown', down);
    window.removeEventListener('keyup', up);
  };
}
