/**
 * The card side of the SmartCard-HSM's secure messaging (BSI TR-03110 part 3 F.2/F.3, ISO/IEC 7816-4
 * §10): unprotect a command (MAC over SSC ‖ pad(header) ‖ pad(DO85|87 ‖ DO97), decrypt, Le from DO97)
 * and protect the reply (DO87 ‖ DO99 ‖ DO8E). The send sequence counter goes up by one for the command
 * and one for the response. A missing MAC → 6987; a wrong MAC (tampered bytes, replayed or reordered
 * APDU: the counter no longer matches), a broken data object or padding → 6988. The caller then ends
 * the channel (TR-03110: "Secure Messaging is aborted … if a Secure Messaging error occurs").
 */
import type { ParsedCommand } from '../../apdu/command.ts';
import { concat } from '../../apdu/hex.ts';
import { decodeTlvs, encodeTlv, tlvBytes, type Tlv } from '../../apdu/tlv.ts';
import type { SimReply } from '../types.ts';
import { cbc, mac8, pad, sameMac, sscBlock, unpad } from './sm-crypto.ts';

/** A channel's keys and counter, kept in the volatile session. */
export interface SimSmState {
  readonly kEnc: Uint8Array;
  readonly kMac: Uint8Array;
  ssc: bigint;
}

export const SM_ERROR = { MISSING_OBJECTS: 0x6987, INCORRECT_OBJECTS: 0x6988 } as const;
const CLA_SM = 0x0c;

function leOf(do97: Tlv | undefined): number | undefined {
  if (do97 === undefined) return 0;
  const v = do97.value;
  if (v.length === 1) return (v[0] ?? 0) || 256;
  if (v.length === 2) return ((v[0] ?? 0) << 8) | (v[1] ?? 0) || 65536;
  return undefined;
}

function decryptBody(sm: SimSmState, objects: readonly Tlv[]): Uint8Array | undefined {
  const do87 = objects.find((o) => o.tag === 0x87);
  const do85 = objects.find((o) => o.tag === 0x85);
  if (do87 === undefined && do85 === undefined) return new Uint8Array(0);
  if (do87 !== undefined && do87.value[0] !== 0x01) return undefined;
  const cryptogram = do87 !== undefined ? do87.value.subarray(1) : (do85?.value ?? new Uint8Array(0));
  if (cryptogram.length === 0 || cryptogram.length % 16 !== 0) return undefined;
  return unpad(cbc(sm.kEnc, sm.ssc, cryptogram, false));
}

/** Check and decrypt a protected command; returns the plain command or the SM error to answer. */
export function unprotectCommand(cmd: ParsedCommand, sm: SimSmState): { cmd: ParsedCommand } | { sw: number } {
  sm.ssc += 1n;
  let objects: Tlv[];
  try {
    objects = decodeTlvs(cmd.data);
  } catch {
    return { sw: SM_ERROR.INCORRECT_OBJECTS };
  }
  const macDo = objects.find((o) => o.tag === 0x8e);
  if (macDo === undefined) return { sw: SM_ERROR.MISSING_OBJECTS };
  if (objects.some((o) => ![0x85, 0x87, 0x97, 0x8e].includes(o.tag))) return { sw: SM_ERROR.INCORRECT_OBJECTS };
  const covered = objects.filter((o) => (o.tag & 1) === 1).map((o) => tlvBytes(cmd.data, o));
  const header = pad(Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2));
  const input = covered.length === 0 ? concat(sscBlock(sm.ssc), header) : concat(sscBlock(sm.ssc), header, pad(concat(...covered)));
  if (!sameMac(mac8(sm.kMac, input), macDo.value)) return { sw: SM_ERROR.INCORRECT_OBJECTS };
  const data = decryptBody(sm, objects);
  const ne = leOf(objects.find((o) => o.tag === 0x97));
  if (data === undefined || ne === undefined) return { sw: SM_ERROR.INCORRECT_OBJECTS };
  const extended = data.length > 255 || ne > 256;
  const kind = data.length === 0 ? (ne === 0 ? '1' : '2') : ne === 0 ? '3' : '4';
  const form = extended ? 'extended' : 'short';
  return {
    cmd: {
      cla: cmd.cla & ~CLA_SM,
      ins: cmd.ins,
      p1: cmd.p1,
      p2: cmd.p2,
      data,
      ne,
      form,
      case: kind === '1' ? '1' : `${kind}${extended ? 'E' : 'S'}`,
    },
  };
}

/** Protect a handler's reply to a command that expected up to `ne` bytes (0: none). */
export function protectReply(reply: SimReply, ne: number, sm: SimSmState): SimReply {
  sm.ssc += 1n;
  const data = ne === 0 ? new Uint8Array(0) : (reply.data ?? new Uint8Array(0)).subarray(0, ne);
  const objects: Uint8Array[] = [];
  if (data.length > 0) objects.push(encodeTlv(0x87, concat(Uint8Array.of(0x01), cbc(sm.kEnc, sm.ssc, pad(data), true))));
  objects.push(encodeTlv(0x99, Uint8Array.of(reply.sw >> 8, reply.sw & 0xff)));
  const mac = mac8(sm.kMac, concat(sscBlock(sm.ssc), pad(concat(...objects))));
  return { data: concat(...objects, encodeTlv(0x8e, mac)), sw: reply.sw };
}
