import { existsSync } from 'node:fs';
import { toHex } from '../../../apdu/hex.ts';
import type { PcscReaderInfo } from '../../../transport/pcsc.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { identifyAtr } from '../readers/identify-atr.ts';
import { finding, type Finding } from './findings.ts';

export interface PcscSurvey {
  readonly findings: Finding[];
  /** Readers to run the card checks on (card present); empty when PC/SC is not usable. */
  readonly cards: PcscReaderInfo[];
  /** PC/SC itself (library, service, readers) is missing. */
  readonly unavailable: boolean;
}

const SOCKET = '/run/pcscd/pcscd.comm';

/** Binding, service, readers, cards: what PC/SC offers on this machine. */
export async function surveyPcsc(readerSelector: string | undefined): Promise<PcscSurvey> {
  const findings: Finding[] = [];
  const fail = (check: string, error: unknown): PcscSurvey => {
    const e = error instanceof SchsmError ? error : undefined;
    findings.push(finding(check, 'fail', e?.message ?? String(error), e?.hint));
    return { findings, cards: [], unavailable: true };
  };
  const pcsc = await import('../../../transport/pcsc.ts');
  try {
    await (await import('../../../transport/pcsc-binding.ts')).loadPcsc();
    findings.push(finding('PC/SC library', 'ok', 'the pcsclite binding and libpcsclite load'));
  } catch (error) {
    return fail('PC/SC library', error);
  }
  let readers: PcscReaderInfo[];
  try {
    readers = await pcsc.listReaders();
  } catch (error) {
    const socket = process.env.PCSCLITE_CSOCK_NAME ?? SOCKET;
    if (!existsSync(socket)) findings.push(finding('pcscd', 'info', `no pcscd socket at ${socket}`));
    return fail('pcscd', error);
  }
  findings.push(finding('pcscd', 'ok', `reachable; ${readers.length} reader(s)`));
  if (readers.length === 0) {
    findings.push(finding('readers', 'fail', 'no readers', 'plug in the reader or token (USB); `schsm readers` lists what pcscd sees'));
    return { findings, cards: [], unavailable: true };
  }
  if (readerSelector !== undefined) {
    try {
      const name = pcsc.selectReader(
        readers.map((r) => r.name),
        readerSelector,
      );
      readers = readers.filter((r) => r.name === name);
    } catch (error) {
      return fail('readers', error);
    }
  }
  for (const r of readers) {
    if (!r.cardPresent) {
      if (readerSelector === undefined)
        findings.push(finding('card', 'info', `no card (${r.state.join(', ') || 'no state'})`, undefined, r.name));
      continue;
    }
    const id = await identifyAtr(r.atr);
    const atr = toHex(r.atr, ' ');
    findings.push(
      finding('card', 'ok', `ATR ${atr}${id === undefined ? ' (unknown ATR)' : ` — ${id.description[0] ?? ''}`}`, undefined, r.name),
    );
  }
  const cards = readers.filter((r) => r.cardPresent);
  if (cards.length === 0 && readerSelector !== undefined && readers[0] !== undefined)
    findings.push(
      finding(
        'card',
        'fail',
        `reader "${readers[0].name}" has no card`,
        'insert the card into it, or name another reader (`schsm readers` lists them and their cards)',
        readers[0].name,
      ),
    );
  else if (cards.length === 0) findings.push(finding('card', 'fail', 'no card in any reader', 'insert the card or plug in the token'));
  return { findings, cards, unavailable: cards.length === 0 };
}
