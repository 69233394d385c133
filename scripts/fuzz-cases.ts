// The cases of one `npm run fuzz` run, from plan.from to plan.to, in a child process of the
// watchdog (scripts/fuzz.ts): it says when each case starts and what it came to, so that a case
// that hangs (even in a loop that never yields) or takes the process down can be named and skipped.
import { stopWorkers } from '../src/workers/pool.js';
import { corpusFor } from '../test/fuzz/corpus.js';
import { type CaseKind, fuzzCase } from '../test/fuzz/cases.js';
import { type Verdict, describeCase, judge } from '../test/fuzz/oracle.js';

export interface FuzzPlan {
  seed: number;
  from: number;
  to: number;
  /** Digits in each file of digits in the corpus. */
  images: number;
  models: string[];
  kinds: CaseKind[];
  /** Report every case's bytes' description, not just failures'. */
  verbose: boolean;
}

export type FromCases =
  | { type: 'ready' }
  | { type: 'start'; case: number }
  | { type: 'verdict'; case: number; verdict: Verdict; what?: string }
  | { type: 'failure'; case: number; message: string }
  | { type: 'done' };

const send = (message: FromCases): Promise<void> => new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));

async function runCases(plan: FuzzPlan): Promise<void> {
  const corpora = [];
  for (const name of plan.models) corpora.push(await corpusFor(name, plan.images));
  await send({ type: 'ready' });
  for (let c = plan.from; c < plan.to; c++) {
    await send({ type: 'start', case: c });
    const { corpus, case: fuzz } = fuzzCase(corpora, plan.seed, c, plan.kinds);
    try {
      await send({ type: 'verdict', case: c, verdict: await judge(fuzz, corpus.model), ...(plan.verbose && { what: describeCase(fuzz) }) });
    } catch (error) {
      await send({ type: 'failure', case: c, message: error instanceof Error ? error.message : String(error) });
    }
  }
  stopWorkers();
  await send({ type: 'done' });
  process.disconnect();
}

// The watchdog passes the plan as the one argument.
await runCases(JSON.parse(process.argv[2]!) as FuzzPlan);
