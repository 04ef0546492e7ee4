// A reader at another site, as one process (the round-trip test starts three): a fresh install in its
// own data folder opens the study package through the API before anyone is signed in, signs in to
// the workspace with the passphrase it chose, reads every trial (answer-trials.ts) and writes the
// answer package. Prints one JSON line: what opening showed, the workspace info and the answer package.
//   node --import tsx tests/support/read-package.ts PACKAGE DATA_DIR READER_INDEX OUT
import { join } from 'node:path';
import { createVerdict } from '../../main/verdict';
import { startupDatabase } from '../../main/services/packages/startup-database';
import { silentLog } from '../../main/log';
import { answerEveryTrial, apiCall, readingClock } from './answer-trials';

export const READER_PASSPHRASE = 'a passphrase of my own';

async function main([pkg, dataDir, index, out]: string[]) {
  const clock = readingClock();
  // A reader's own install: a study database with no admin, nobody signed in.
  const install = createVerdict({ dbPath: join(dataDir, 'study.db'), host: 'cli', log: silentLog, now: clock.now });
  const opened = await apiCall(install, install.newCaller(), 'packages.open', { file: pkg, passphrase: READER_PASSPHRASE });
  install.close();
  // The workspace a host opens at its next start (a reader's workstation remembers the one opened last).
  const startup = startupDatabase(dataDir);
  if (!startup.workspace) throw new Error(`opening the package left no workspace for the next start in ${dataDir}`);
  const ws = createVerdict({ dbPath: startup.dbPath, host: 'cli', log: silentLog, now: clock.now });
  try {
    const caller = ws.newCaller();
    const workspace = await apiCall(ws, caller, 'packages.workspace', {});
    const [me] = await apiCall(ws, caller, 'session.readers', {});
    await apiCall(ws, caller, 'session.signIn', { readerId: me.id, passphrase: READER_PASSPHRASE });
    const [study] = await apiCall(ws, caller, 'reading.studies', {});
    const answers = await answerEveryTrial(ws, caller, study.id, Number(index), clock);
    const written = await apiCall(ws, caller, 'packages.writeAnswers', { out });
    console.log(
      JSON.stringify({ opened, workspace, answers, written, readers: (await apiCall(ws, caller, 'session.readers', {})).length }),
    );
  } finally {
    ws.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
