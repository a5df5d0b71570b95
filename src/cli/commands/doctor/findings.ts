/** One line of the doctor's report. */
export type Verdict = 'ok' | 'warn' | 'fail' | 'info';

export interface Finding {
  readonly check: string;
  readonly verdict: Verdict;
  readonly detail: string;
  readonly hint?: string;
  readonly reader?: string;
}

export function finding(check: string, verdict: Verdict, detail: string, hint?: string, reader?: string): Finding {
  return { check, verdict, detail, ...(hint === undefined ? {} : { hint }), ...(reader === undefined ? {} : { reader }) };
}
