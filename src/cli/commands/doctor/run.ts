import { cardSource, type GlobalArgs } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { createStyle } from '../../style.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { cardChecks } from './card-checks.ts';
import { finding, type Finding } from './findings.ts';
import { surveyPcsc } from './pcsc-checks.ts';

export type DoctorArgs = Partial<GlobalArgs> & { readonly simState?: string | undefined };

const usesSimulator = (args: DoctorArgs): boolean => args.sim === true || args.reader === 'sim' || args.simState !== undefined;

/** Run the card checks on one card source; a failure to open it is a finding, not an exception. */
async function checkCard(ctx: CliContext, args: DoctorArgs, reader: string | undefined): Promise<Finding[]> {
  const source = reader === undefined ? cardSource(args) : { ...cardSource(args), reader };
  let transport;
  try {
    transport = await ctx.openTransport(source);
  } catch (error) {
    if (!(error instanceof SchsmError)) throw error;
    return [finding('connection', 'fail', error.message, error.hint, reader)];
  }
  try {
    return await cardChecks(transport, reader ?? transport.name);
  } finally {
    await transport.close();
  }
}

/** Machine-wide findings first, then each reader's findings together (stable, in order of first appearance). */
function grouped(findings: Finding[]): void {
  const order = new Map<string | undefined, number>([[undefined, 0]]);
  for (const f of findings) if (!order.has(f.reader)) order.set(f.reader, order.size);
  findings.sort((a, b) => (order.get(a.reader) ?? 0) - (order.get(b.reader) ?? 0));
}

function render(ctx: CliContext, findings: readonly Finding[]): void {
  const s = createStyle(ctx.color);
  const mark = { ok: s.green('ok  '), warn: s.yellow('warn'), fail: s.red('FAIL'), info: s.dim('info') };
  let reader: string | undefined;
  for (const f of findings) {
    if (f.reader !== reader) {
      reader = f.reader;
      if (reader !== undefined) line(ctx.stdout, s.bold(`reader "${reader}"`));
    }
    line(ctx.stdout, `${reader === undefined ? '' : '  '}[${mark[f.verdict]}] ${f.check}: ${f.detail}`);
    if (f.hint !== undefined) line(ctx.stdout, `${reader === undefined ? '' : '  '}       ${s.dim(`→ ${f.hint}`)}`);
  }
}

/**
 * `schsm doctor`: is PC/SC usable, which readers and cards, and for each card: protocol, SmartCard-HSM
 * applet and version (tag 85), extended-length APDUs, user-PIN state. Raw APDUs only, no PIN tried.
 * Exit 0 when nothing failed (warnings allowed), 3 when PC/SC, a reader or a card is missing, 1 when a
 * card check failed.
 */
export async function runDoctor(args: DoctorArgs, ctx: CliContext): Promise<number> {
  const findings: Finding[] = [];
  let unavailable = false;
  if (usesSimulator(args)) {
    findings.push(finding('PC/SC', 'info', 'skipped: checking the built-in simulator'));
    findings.push(...(await checkCard(ctx, args, undefined)));
  } else {
    const survey = await surveyPcsc(args.reader);
    findings.push(...survey.findings);
    unavailable = survey.unavailable;
    for (const r of survey.cards) findings.push(...(await checkCard(ctx, args, r.name)));
  }
  grouped(findings);
  const failed = findings.some((f) => f.verdict === 'fail');
  const code = unavailable ? EXIT.NO_CARD : failed ? EXIT.FAILED : EXIT.OK;
  if (args.json === true) printJson(ctx, { ok: code === EXIT.OK, exitCode: code, findings });
  else {
    render(ctx, findings);
    const warnings = findings.filter((f) => f.verdict === 'warn').length;
    const summary =
      code === EXIT.OK
        ? `no failures${warnings > 0 ? `, ${warnings} warning(s)` : ''}`
        : unavailable
          ? 'PC/SC, a reader or a card is missing'
          : 'some checks failed';
    line(ctx.stdout, summary);
  }
  return code;
}
