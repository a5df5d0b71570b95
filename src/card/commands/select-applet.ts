import { findTlv, decodeTlvs, type Tlv } from '../../apdu/tlv.ts';
import { CLA, INS, SC_HSM_AID } from '../constants.ts';
import { AppletNotFoundError } from '../errors.ts';
import type { CardSession } from '../session.ts';
import { APPLET_INFO, decodeRecord } from '../layouts.ts';

/** What the applet says about itself in SELECT tag 85 (§2.4). */
export interface AppletInfo {
  readonly version: { readonly major: number; readonly minor: number };
  /** Configuration options word (§3.9); undefined for applets before 2.0 (2-byte tag 85). */
  readonly options: number | undefined;
  /** Type byte: 00 applet for JCOP, 01 demo applet; other values (pico: FF) plain SmartCard-HSM. */
  readonly type: number | undefined;
  readonly typeName: string;
  /** The complete SELECT response data (FCP). */
  readonly fcp: Uint8Array;
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 0x00: 'SmartCard-HSM Applet for JCOP', 0x01: 'SmartCard-HSM Demo Applet for JCOP' };

/** Tag 85 inside the FCP 62 (or FCI 6F, or at top level); OpenSC needs ≥ 2 bytes (§2.1). */
export function appletVersionTag(fcp: Uint8Array): Uint8Array | undefined {
  let tlvs: Tlv[];
  try {
    tlvs = decodeTlvs(fcp);
  } catch {
    return undefined;
  }
  const t = findTlv(tlvs, 0x62, 0x85) ?? findTlv(tlvs, 0x6f, 0x85) ?? findTlv(tlvs, 0x85);
  return t !== undefined && t.value.length >= 2 ? t.value : undefined;
}

/** Decode the applet FCP: `85 05 <options hi lo> <type> <major> <minor>` (§2.4); undefined without tag 85. */
export function parseAppletFcp(fcp: Uint8Array): AppletInfo | undefined {
  const p = appletVersionTag(fcp);
  return p === undefined ? undefined : parseAppletVersionTag(p, fcp);
}

/** Decode the value of tag 85 (at least 2 bytes; `fcp`: the SELECT answer it came from, kept in the result). */
export function parseAppletVersionTag(p: Uint8Array, fcp: Uint8Array = p): AppletInfo {
  const n = p.length;
  if (n >= APPLET_INFO.span) {
    const r = decodeRecord(APPLET_INFO, p, n - APPLET_INFO.span);
    return {
      version: { major: r.major, minor: r.minor },
      options: r.options,
      type: r.type,
      typeName: TYPE_NAMES[r.type] ?? 'SmartCard-HSM',
      fcp,
    };
  }
  // Older applets: 2 bytes (major, minor), 3 (type, major, minor) or 4 (options low byte first).
  const type = n >= 3 ? p[n - 3] : undefined;
  const options = n === 4 ? p[0] : undefined;
  const typeName = type === undefined ? 'SmartCard-HSM' : (TYPE_NAMES[type] ?? 'SmartCard-HSM');
  return { version: { major: p[n - 2] ?? 0, minor: p[n - 1] ?? 0 }, options, type, typeName, fcp };
}

/**
 * SELECT the SmartCard-HSM applet: `00 A4 04 00 0B E82B0601040181C31F0201 00` — P2 00 and short Le 00,
 * as the card requires (§1.3, §2.3, §11.1). Re-selecting logs the user out (§2.3): callers other than
 * `SmartCardHsm.open` / `logout` should not use it.
 */
export async function selectApplet(card: CardSession): Promise<AppletInfo> {
  const cmd = { cla: CLA.ISO, ins: INS.SELECT, p1: 0x04, p2: 0x00, data: SC_HSM_AID, ne: 256, form: 'short' } as const;
  const res = await card.send(cmd, { operation: 'SELECT SmartCard-HSM applet' });
  const info = parseAppletFcp(res.data);
  if (info === undefined) {
    throw new AppletNotFoundError(
      res.sw,
      { ins: INS.SELECT, p1: 0x04, operation: 'SELECT SmartCard-HSM applet', data: res.data },
      'the selected application has no SmartCard-HSM version tag 85 in its FCP',
    );
  }
  return info;
}
