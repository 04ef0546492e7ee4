// A reader's keymap as stored before the actions answer-6 … answer-9 existed, with '6' taken for next
// (the keymap tests of main's reading service and of the renderer's keymap load it).
export const KEYMAP_BEFORE_ANSWERS_6_TO_9 = {
  'answer-1': '1',
  'answer-2': '2',
  'answer-3': '3',
  'answer-4': '4',
  'answer-5': '5',
  next: '6',
  previous: 'ArrowLeft',
  'overlay-toggle': 'h',
  'opacity-up': ']',
  'opacity-down': '[',
  help: '?',
};
