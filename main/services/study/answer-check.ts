// An answer's value checked against its question: a Likert point on the scale, an option that
// exists, a number in range on the step, text within its length, "A" or "B" for a forced
// choice, an evidence mark of the asked shape inside the image. null withdraws an answer.
import type { Question } from '../../../app/protocol';
import type { AnswerValue, Roi } from '../../../app/study';
import { VerdictError } from '../../../app/errors';

const bad = (q: Question, message: string) => new VerdictError('answer.invalid', `${q.id}: ${message}`, { questionId: q.id });

const isRoi = (v: AnswerValue): v is Roi => typeof v === 'object' && v !== null && !Array.isArray(v) && 'shape' in v;

/** Returns the value to store (free text trimmed) or throws answer.invalid naming the question. */
export function checkAnswer(q: Question, value: AnswerValue, image: { width: number; height: number }): AnswerValue {
  if (value === null) return null;
  switch (q.type) {
    case 'likert':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < q.min || value > q.max)
        throw bad(q, `expected a whole number from ${q.min} to ${q.max}`);
      return value;
    case 'single-choice':
      if (typeof value !== 'string' || !q.options.some((o) => o.value === value))
        throw bad(q, `expected one of ${q.options.map((o) => `"${o.value}"`).join(', ')}`);
      return value;
    case 'multiple-choice': {
      if (!Array.isArray(value)) throw bad(q, 'expected a list of options');
      const unknown = value.find((v) => !q.options.some((o) => o.value === v));
      if (unknown !== undefined) throw bad(q, `"${unknown}" is not an option`);
      if (new Set(value).size !== value.length) throw bad(q, 'an option is chosen twice');
      return value;
    }
    case 'yes-no':
      if (typeof value !== 'boolean') throw bad(q, 'expected yes (true) or no (false)');
      return value;
    case 'number': {
      if (typeof value !== 'number' || value < q.min || value > q.max) throw bad(q, `expected a number from ${q.min} to ${q.max}`);
      const steps = (value - q.min) / q.step;
      if (Math.abs(steps - Math.round(steps)) > 1e-6) throw bad(q, `expected a multiple of ${q.step} from ${q.min}`);
      return value;
    }
    case 'free-text': {
      if (typeof value !== 'string') throw bad(q, 'expected text');
      const text = value.trim();
      if (text.length > q.maxLength) throw bad(q, `at most ${q.maxLength} characters (got ${text.length})`);
      return text;
    }
    case 'forced-choice':
      if (value !== 'A' && value !== 'B') throw bad(q, 'expected "A" or "B" (the explanation chosen, as shown)');
      return value;
    case 'roi':
      if (!isRoi(value) || value.shape !== q.shape) throw bad(q, `expected a ${q.shape} mark`);
      checkRoi(q, value, image);
      return value;
  }
}

function checkRoi(q: Question, roi: Roi, image: { width: number; height: number }): void {
  const xs = roi.shape === 'click' ? [roi.x] : roi.shape === 'box' ? [roi.x0, roi.x1] : roi.points.filter((_, i) => i % 2 === 0);
  const ys = roi.shape === 'click' ? [roi.y] : roi.shape === 'box' ? [roi.y0, roi.y1] : roi.points.filter((_, i) => i % 2 === 1);
  if (roi.shape === 'freehand' && roi.points.length % 2 !== 0) throw bad(q, 'a freehand outline needs x, y pairs');
  if ([...xs].some((x) => x < 0 || x > image.width) || [...ys].some((y) => y < 0 || y > image.height)) {
    throw bad(q, `the mark lies outside the ${image.width}×${image.height} image`);
  }
  if (roi.shape === 'box' && (roi.x0 === roi.x1 || roi.y0 === roi.y1)) throw bad(q, 'a box needs a width and a height');
}
