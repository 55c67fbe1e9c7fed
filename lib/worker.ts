/**
 * A worker thread of a lint run (lib/lint-files.ts): its own parser, rules
 * and demand-driven project index over the run's files; it summarises
 * (phase 1) and lints (phase 2) the files the main thread hands it, in the
 * order the messages arrive.
 */
import { parentPort } from 'worker_threads';
import { ProjectIndex } from './project';
import { LintSession } from './session';
import { parse } from './parser';
import type { WorkerReply, WorkerRequest } from './lint-files';

let session: LintSession | null = null;
const port = parentPort!;
// The parser loads now, while the main thread prepares the run (workers start before they are needed).
// Until it has, the worker must not be stopped (lib/lint-files.ts stopWorker).
parse('');
port.postMessage({ type: 'loaded', seq: -1 } satisfies WorkerReply);

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply | null = null;
  try {
    if (req.type === 'init') {
      const project = new ProjectIndex();
      project.addOnDemand(req.universe);
      project.shareMade = true;
      session = new LintSession(project, req.options);
      port.postMessage({ type: 'ready', seq: -1 } satisfies WorkerReply);
      return;
    }
    if (!session) throw new Error('worker used before init');
    switch (req.type) {
      case 'summarize': {
        const list = session.summarize(req.files, new Set(req.keep));
        // Its own index takes them too: the main thread sends a worker only the summaries of
        // files other threads hold the parses of (a file left pending here would be summarised
        // again on demand, the graph rebuilt each time).
        session.addSummaries(list);
        reply = { type: 'summarized', seq: req.seq, list };
        break;
      }
      case 'summaries':
        session.addSummaries(req.list);
        break;
      case 'made':
        session.project.addMadeElsewhere(req.list);
        break;
      case 'willLint':
        session.willLint(req.filePaths);
        break;
      case 'wontLint':
        session.wontLint(req.filePaths);
        break;
      case 'lint':
        reply = { type: 'linted', seq: req.seq, result: session.lint(req.task) };
        break;
      default:
    }
  } catch (e) {
    reply = { type: 'failed', seq: 'seq' in req ? req.seq : -1, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  if (reply) port.postMessage(reply);
});
