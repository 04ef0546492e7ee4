// Export benchmark: the long CSV of a study with ≥100,000 answers (goal ≤ 1 s), beside a
// reference on the same machine — Python's csv module writing the same rows (already in memory)
// — which bounds what a CSV writer alone costs. The study: the export tests' study read through
// the API by three readers, then grown with more readers whose trials copy what the first
// readers' matching trials showed and answered (SQL inserts; timing the API is not the point).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { csvParseRows } from 'd3-dsv';
import { readWholeStudy } from '../main/services/export/read-study-fixture';
import { studyRecords } from '../main/services/export/answer-records';

const TARGET_ANSWERS = 100_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

type TrialRow = {
  id: number;
  case_id: number;
  phase: string;
  kind: string;
  condition_id: string | null;
  condition_b_id: string | null;
  sanity: number;
  repeat_of: number | null;
};
const keyOf = (t: TrialRow) => [t.case_id, t.phase, t.kind, t.condition_id, t.condition_b_id, t.sanity, t.repeat_of === null].join('|');

export async function runExportBenchmark(): Promise<string[]> {
  const { v, studyId } = await readWholeStudy();
  const db = v.study.db;
  // By assignment id: joined on (study, reader) SQLite scans every trial of the study for each reader.
  const assignmentOf = db.prepare('SELECT id FROM assignment WHERE study_id = ? AND reader_id = ?').pluck();
  const trialsOf = (readerId: number) =>
    db.prepare('SELECT * FROM trial WHERE assignment_id = ?').all(assignmentOf.get(studyId, readerId)) as TrialRow[];
  const firstReaders = db.prepare('SELECT reader_id FROM assignment WHERE study_id = ?').all(studyId) as { reader_id: number }[];
  const templates = new Map<string, number>();
  for (const r of firstReaders) for (const t of trialsOf(r.reader_id)) templates.set(keyOf(t), t.id);
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM answer').get() as { n: number }).n;

  const addReader = db.prepare("INSERT INTO reader (name, role, created_at) VALUES (?, 'reader', ?)");
  const copyStimuli =
    db.prepare(`INSERT INTO stimulus (trial_id, slot, label, condition_id, explanation_id, model_id, model_sha256, provider, method, target, map_sha256, shown_at)
    SELECT ?, slot, label, condition_id, explanation_id, model_id, model_sha256, provider, method, target, map_sha256, shown_at FROM stimulus WHERE trial_id = ?`);
  const copyPrediction = db.prepare(
    `INSERT INTO trial_prediction (trial_id, model_id, model_sha256, provider, outputs_json, shown_at) SELECT ?, model_id, model_sha256, provider, outputs_json, shown_at FROM trial_prediction WHERE trial_id = ?`,
  );
  const copyAnswers =
    db.prepare(`INSERT INTO answer (trial_id, reader_id, question_id, question_version, version, supersedes, value_json, scores_json, display_state_json, time_to_first_input_ms, time_on_trial_ms, created_at)
    SELECT ?, ?, question_id, question_version, 1, NULL, value_json, scores_json, display_state_json, time_to_first_input_ms, time_on_trial_ms, created_at FROM answer a
    WHERE trial_id = ? AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)`);
  let n = 0;
  while (count() < TARGET_ANSWERS) {
    db.transaction(() => {
      for (let i = 0; i < 50; i++) {
        const readerId = Number(addReader.run(`Bench reader ${++n}`, new Date().toISOString()).lastInsertRowid);
        v.studies.assignReader(studyId, readerId);
        for (const t of trialsOf(readerId)) {
          const template = templates.get(keyOf(t));
          if (template === undefined) continue;
          copyStimuli.run(t.id, template);
          copyPrediction.run(t.id, template);
          copyAnswers.run(t.id, readerId, template);
        }
      }
    })();
  }

  const runs = 5;
  const total: number[] = [];
  const query: number[] = [];
  let csv = '';
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    csv = v.exports.build(studyId, 'csv').content;
    const t1 = performance.now();
    db.transaction(() => studyRecords(db, studyId)).deferred();
    const t2 = performance.now();
    if (i > 0) {
      total.push(t1 - t0);
      query.push(t2 - t1);
    } // the first run warms the JIT and SQLite's cache
  }
  const rows = db
    .prepare('SELECT COUNT(*) FROM answer a WHERE NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)')
    .pluck()
    .get() as number;
  v.close();

  const reference = await pythonCsvMs(csv);
  const ms = median(total);
  return [
    `study: ${rows.toLocaleString('en')} answers (latest versions) from ${n + firstReaders.length} readers; ${(csv.length / 1e6).toFixed(1)} MB of CSV`,
    `ours: long CSV built in ${ms.toFixed(0)} ms (median of ${runs}; of which reading the answers and their context ${median(query).toFixed(0)} ms) — goal ≤ 1000 ms: ${ms <= 1000 ? 'met' : 'NOT met'} (${(ms / 1000).toFixed(2)}× the goal)`,
    `reference: Python csv.writer on the same rows already in memory: ${reference.toFixed(0)} ms; ours (whole export) / reference (writing only) = ${(ms / reference).toFixed(2)}`,
  ];
}

/** Python's csv module writing the same cells to memory, timed inside Python (median of 3). */
async function pythonCsvMs(csv: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-bench-csv-'));
  const rowsPath = join(dir, 'rows.json');
  writeFileSync(rowsPath, JSON.stringify(csvParseRows(csv)));
  const script = `import csv, io, json, sys, time
rows = json.load(open(sys.argv[1]))
times = []
for _ in range(3):
    t = time.perf_counter(); out = io.StringIO(); csv.writer(out, lineterminator='\\r\\n').writerows(rows); times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[1])`;
  const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script, rowsPath], { maxBuffer: 1 << 20 });
  return Number(stdout.trim());
}
