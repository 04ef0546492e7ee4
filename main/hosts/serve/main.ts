// `npm run serve`: the loopback host. Opens (or creates) the study database, imports the bundled
// demo study on first launch, and serves the built renderer and the API on 127.0.0.1.
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createVerdict, type Verdict } from '../../verdict';
import { EventBus } from '../../event-bus';
import { consoleLog } from '../../log';
import { rendererDir } from '../../paths';
import { openDemoStudy } from '../../demo-study';
import { VerdictError } from '../../../app/errors';
import { startServeHost } from './server';
import { ensurePrivateDir, PRIVATE_DIR_MODE } from '../../services/db/private-files';
import { startupDatabase } from '../../services/packages/startup-database';

const USAGE = `Usage: npm run serve -- [--data DIR | --db FILE] [--port N] [--no-demo]
  --data DIR   folder holding study.db (default: $VERDICT_HOME or ~/.verdict)
  --db FILE    a study database file (created if missing)
  --port N     port on 127.0.0.1 (default: a free one)
  --no-demo    do not import the bundled demo study into a new database
Each printed link works once (it is traded for a cookie); a new one is printed when it has been used.
VERDICT_API_KEY (32+ characters), if set, admits API clients sending \`Authorization: Bearer <key>\`.`;

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      db: { type: 'string' },
      port: { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const dataDir = resolve(values.data ?? process.env.VERDICT_HOME ?? join(homedir(), '.verdict'));
  // Without --db: the data folder's study.db, or on a reader's workstation the workspace they opened last.
  const startup = values.db ? { dbPath: resolve(values.db), workspace: false } : startupDatabase(dataDir);
  const dbPath = startup.dbPath;
  // The study holds unblinded answers and reader names: a data folder for this user only. A
  // --db file's folder is the user's own choice: created 0700 if missing, otherwise left as it is
  // (the database files themselves are made 0600 either way).
  if (values.db) mkdirSync(resolve(dbPath, '..'), { recursive: true, mode: PRIVATE_DIR_MODE });
  else ensurePrivateDir(dataDir);
  const firstLaunch = !startup.workspace && !existsSync(dbPath);
  // One event bus for every database this host serves: connections stay subscribed across a switch.
  const events = new EventBus();
  const open = (path: string): Verdict => createVerdict({ dbPath: path, host: 'serve', events, openWorkspace });
  // A reader opened a study package: serve its workspace from now on. The new database is opened
  // here (a failure is the caller's error and changes nothing); the switch waits until the reply to
  // that call has gone, then every connection starts again signed out, on the workspace.
  async function openWorkspace(workspaceDb: string): Promise<void> {
    const next = open(workspaceDb);
    setImmediate(() => {
      const previous = verdict;
      verdict = next;
      host.restartSessions({ event: 'study.changed', payload: { studyName: basename(workspaceDb) } });
      previous.close();
      console.log(`Verdict is serving the reading workspace ${workspaceDb}`);
    });
  }
  let verdict = open(dbPath);
  const host = await startServeHost({
    handlers: () => verdict.handlers,
    newCaller: () => verdict.newCaller(),
    events,
    staticDir: rendererDir(),
    log: consoleLog,
    port: values.port ? Number(values.port) : undefined,
    apiKey: process.env.VERDICT_API_KEY || undefined,
    onLaunchLinkUsed: (next) => console.log(`That link has been used (it works once). To open Verdict in another browser: ${next}`),
  });
  if (firstLaunch && !values['no-demo']) void openDemoStudy(verdict, consoleLog).catch((e) => consoleLog.error('demo study failed', e));
  console.log(`Verdict is serving ${startup.workspace ? 'the reading workspace ' : ''}${dbPath}`);
  if (startup.workspace) console.log(`(this data folder's own study: npm run serve -- --db ${join(dataDir, 'study.db')})`);
  console.log(`Open ${host.url}`);
  console.log(`VERDICT_URL=${host.url}`);
  const stop = async () => {
    await host.close();
    verdict.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof VerdictError ? `verdict: ${e.message}` : e);
  process.exit(1);
});
