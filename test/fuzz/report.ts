// What a fuzz run came to, counted: per kind of case, how many decoded exactly and how many were
// refused with each code.
import type { Verdict } from './oracle.js';

export interface FuzzReport {
  cases: number;
  exact: number;
  refusals: Record<string, number>;
}

export const emptyReport = (): FuzzReport => ({ cases: 0, exact: 0, refusals: {} });

export function count(report: FuzzReport, verdict: Verdict): void {
  report.cases++;
  if (verdict === 'exact') report.exact++;
  else report.refusals[verdict] = (report.refusals[verdict] ?? 0) + 1;
}

/** "N cases: E exact, refused {codes}". */
export const summary = (report: FuzzReport): string => `${report.cases} cases: ${report.exact} exact, refused ${JSON.stringify(report.refusals)}`;
