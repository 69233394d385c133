// `npm run fuzz [-- --cases N --seed S --from C --images K --models a,b --kinds k,l --case-seconds T --verbose]`:
// hostile files for the shipped models, longer and in more kinds than the tests (test/fuzz/cases.ts
// lists them: damaged files, joins of v2 and v3 segments with stored frames, range reads, damage
// aimed at indexes and frame heads, spliced frames, streams in random chunks). Cases N from C on,
// each made from the seed and its number alone, run in a child process (scripts/fuzz-cases.ts)
// that this watchdog kills when a case takes longer than the time limit, and restarts after it.
// Prints every failure with the command that runs that case alone, then the verdicts by kind;
// exits 1 on any failure.
import { type ChildProcess, fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SHIPPED_SPECS } from '../src/model/spec.js';
import { CASE_KINDS, type CaseKind } from '../test/fuzz/cases.js';
import { type FuzzReport, count, emptyReport, summary } from '../test/fuzz/report.js';
import type { FromCases, FuzzPlan } from './fuzz-cases.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    from: { type: 'string', default: '0' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    images: { type: 'string', default: '8' },
    models: { type: 'string', default: Object.keys(SHIPPED_SPECS).join(',') },
    kinds: { type: 'string', default: CASE_KINDS.join(',') },
    'case-seconds': { type: 'string', default: '60' },
    every: { type: 'string', default: '1000' },
    verbose: { type: 'boolean', default: false },
  },
});
const kinds = values.kinds.split(',') as CaseKind[];
for (const kind of kinds) if (!CASE_KINDS.includes(kind)) throw new Error(`--kinds: no kind "${kind}" (the kinds: ${CASE_KINDS.join(', ')})`);
const from = Number(values.from);
const plan: FuzzPlan = { seed: Number(values.seed), from, to: from + Number(values.cases), images: Number(values.images), models: values.models.split(','), kinds, verbose: values.verbose };
const caseLimit = 1000 * Number(values['case-seconds']);
const every = Number(values.every);

const kindOf = (c: number): CaseKind => plan.kinds[c % plan.kinds.length]!;
const reports = Object.fromEntries(plan.kinds.map((k) => [k, emptyReport()])) as Record<CaseKind, FuzzReport>;
const failures: string[] = [];
const failedByKind = Object.fromEntries(plan.kinds.map((k) => [k, 0])) as Record<CaseKind, number>;
const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;
let finished = 0;

function fail(c: number, message: string): void {
  const rerun = `npm run fuzz -- --seed ${plan.seed} --from ${c} --cases 1 --images ${plan.images} --models ${plan.models.join(',')} --kinds ${plan.kinds.join(',')} --verbose`;
  failures.push(`case ${c}: ${message}`);
  failedByKind[kindOf(c)]++;
  console.log(`FAIL seed ${plan.seed} case ${c} (${kindOf(c)}): ${message}\n  again: ${rerun}`);
}

function counted(c: number): void {
  if (++finished % every === 0) console.log(`[${elapsed()}] ${finished} of ${plan.to - plan.from} cases, ${failures.length} failures (last: case ${c})`);
}

/** Runs cases from `first` in a child; resolves to the case to go on from (the end, or the one after a case that hung or killed it). */
function runFrom(first: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(new URL('./fuzz-cases.ts', import.meta.url), [JSON.stringify({ ...plan, from: first })]);
    let current: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ready = false;
    const stop = (): void => clearTimeout(timer);
    child.on('message', (message: FromCases) => {
      if (message.type === 'ready') ready = true;
      else if (message.type === 'start') {
        current = message.case;
        timer = setTimeout(() => {
          fail(message.case, `no verdict within ${caseLimit / 1000} s: it hangs`);
          counted(message.case);
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          resolve(message.case + 1);
        }, caseLimit);
      } else if (message.type === 'verdict' || message.type === 'failure') {
        stop();
        current = undefined;
        if (message.type === 'verdict') {
          count(reports[kindOf(message.case)], message.verdict);
          if (message.what) console.log(`case ${message.case}: ${message.what}: ${message.verdict}`);
        } else fail(message.case, message.message);
        counted(message.case);
      } else resolve(plan.to);
    });
    child.on('exit', (code, signal) => {
      stop();
      if (!ready) reject(new Error(`the fuzz process stopped (${signal ?? code}) before its first case`));
      else if (current !== undefined) {
        // Node exits with 13 when the script's promise never settles: the case waits on something that never comes.
        fail(current, `the process stopped during the case (${signal ?? `exit code ${code}`}${code === 13 ? ': a promise that never settles' : ''})`);
        counted(current);
        resolve(current + 1);
      } else resolve(plan.to);
    });
  });
}

console.log(`fuzz: seed ${plan.seed}, cases ${plan.from}..${plan.to - 1}, ${plan.images} digits a file, models ${plan.models.join(', ')}, kinds ${plan.kinds.join(', ')}, ${caseLimit / 1000} s a case`);
for (let next = plan.from; next < plan.to;) next = await runFrom(next);
for (const kind of plan.kinds) console.log(`${kind}: ${summary(reports[kind])}, ${failedByKind[kind]} failed`);
console.log(`${finished} cases in ${elapsed()}: ${failures.length} failures${failures.map((f) => `\n  ${f}`).join('')}`);
process.exitCode = failures.length > 0 ? 1 : 0;
