import { SC_HSM_AID, SIM_APPLET } from './constants.ts';

/**
 * SELECT answers (§2.4).
 *
 * Applet: FCP template `62 17 | 82 01 38 (DF) | 84 0B <AID> | 85 05 <options hi lo> <type> <major> <minor>`.
 * Tag 85 is what every host parses (OpenSC needs ≥ 2 bytes, sc-hsm-embedded finds it as 62/85); its
 * 5-byte layout is consistent with all hosts (§2.4). The other tags are ISO defaults for an
 * application DF; the real card's exact surrounding bytes are unconfirmed (§13).
 *
 * EF: the real card's FCI (OpenSC issue #715 capture): `6F 0B | 80 02 <size> | 82 01 01 | 83 02 <FID>`.
 * Key objects (CCxx) answer the same with descriptor 08 (internal EF) and size 0000.
 */

const appletFcpCache = new Map<number, Uint8Array>();

/** The applet FCP for an options word (cached: SELECT is on the hot path). */
export function appletFcp(options: number): Uint8Array {
  let fcp = appletFcpCache.get(options);
  if (fcp === undefined) {
    fcp = Uint8Array.from([
      0x62,
      0x17,
      0x82,
      0x01,
      0x38,
      0x84,
      SC_HSM_AID.length,
      ...SC_HSM_AID,
      0x85,
      0x05,
      (options >> 8) & 0xff,
      options & 0xff,
      SIM_APPLET.TYPE,
      SIM_APPLET.MAJOR,
      SIM_APPLET.MINOR,
    ]);
    appletFcpCache.set(options, fcp);
  }
  return fcp;
}

/** File descriptor byte (ISO 7816-4 table 12). */
export const FILE_DESCRIPTOR = { WORKING_EF: 0x01, INTERNAL_EF: 0x08 } as const;

/** `6F 0B 80 02 <size> 82 01 <descriptor> 83 02 <FID>`. */
export function efFci(fid: number, size: number, descriptor: number): Uint8Array {
  return Uint8Array.of(0x6f, 0x0b, 0x80, 0x02, (size >> 8) & 0xff, size & 0xff, 0x82, 0x01, descriptor, 0x83, 0x02, fid >> 8, fid & 0xff);
}
