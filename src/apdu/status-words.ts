/**
 * Status words: names from ISO/IEC 7816-4 §5.6 and the SmartCard-HSM's own use of them
 * (docs/protocol.md §6). Data only; the card layer maps them to domain errors in one place.
 */

export const SW = {
  OK: 0x9000, // normal processing
  END_OF_FILE: 0x6282, // end of file reached before Le bytes
  VERIFY_FAILED: 0x6300, // no information given / verification failed
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  COMMAND_NOT_ALLOWED: 0x6900,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTHENTICATION_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_OF_USE_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  LC_INCONSISTENT_WITH_P1P2: 0x6a87,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  FILE_ALREADY_EXISTS: 0x6a89,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

export interface StatusWordInfo {
  /** SCREAMING_CASE name. */
  readonly name: string;
  /** What it means, in words (ISO meaning, then the SmartCard-HSM's use when it has one). */
  readonly meaning: string;
  /** true for 9000, 61xx and the warning 6282 that READ BINARY hosts accept. */
  readonly success: boolean;
}

const TABLE: ReadonlyMap<number, readonly [string, string]> = new Map<number, readonly [string, string]>([
  [SW.OK, ['OK', 'normal processing']],
  [SW.END_OF_FILE, ['END_OF_FILE', 'end of file reached before Le bytes were read']],
  [SW.VERIFY_FAILED, ['VERIFY_FAILED', 'warning: no information given (verification failed)']],
  [SW.MEMORY_FAILURE, ['MEMORY_FAILURE', 'memory failure (EEPROM write failed)']],
  [0x6600, ['SECURITY_ENVIRONMENT_ERROR', 'security-related issue (pico-hsm: button confirmation timed out)']],
  [SW.WRONG_LENGTH, ['WRONG_LENGTH', 'wrong length (Lc or Le, or the data field)']],
  [0x6881, ['LOGICAL_CHANNEL_NOT_SUPPORTED', 'logical channel not supported']],
  [0x6882, ['SECURE_MESSAGING_NOT_SUPPORTED', 'secure messaging not supported']],
  [SW.LAST_COMMAND_OF_CHAIN_EXPECTED, ['LAST_COMMAND_OF_CHAIN_EXPECTED', 'last command of a chain expected']],
  [0x6884, ['COMMAND_CHAINING_NOT_SUPPORTED', 'command chaining not supported']],
  [SW.COMMAND_NOT_ALLOWED, ['COMMAND_NOT_ALLOWED', 'command not allowed (no information given)']],
  [SW.INCOMPATIBLE_FILE_STRUCTURE, ['INCOMPATIBLE_FILE_STRUCTURE', 'command incompatible with file structure']],
  [SW.SECURITY_STATUS_NOT_SATISFIED, ['SECURITY_STATUS_NOT_SATISFIED', 'security status not satisfied (user PIN not verified)']],
  [SW.AUTHENTICATION_METHOD_BLOCKED, ['AUTHENTICATION_METHOD_BLOCKED', 'authentication method blocked (PIN or SO-PIN blocked)']],
  [
    SW.REFERENCE_DATA_NOT_USABLE,
    ['REFERENCE_DATA_NOT_USABLE', 'reference data not usable (transport PIN active, or key use counter expired)'],
  ],
  [SW.CONDITIONS_OF_USE_NOT_SATISFIED, ['CONDITIONS_OF_USE_NOT_SATISFIED', 'conditions of use not satisfied']],
  [SW.COMMAND_NOT_ALLOWED_NO_EF, ['COMMAND_NOT_ALLOWED_NO_EF', 'command not allowed (no current EF, or operation disabled)']],
  [0x6987, ['SM_DATA_OBJECTS_MISSING', 'expected secure messaging data objects missing']],
  [0x6988, ['SM_DATA_OBJECTS_INCORRECT', 'incorrect secure messaging data objects']],
  [SW.INCORRECT_DATA, ['INCORRECT_DATA', 'incorrect parameters in the data field']],
  [SW.FUNCTION_NOT_SUPPORTED, ['FUNCTION_NOT_SUPPORTED', 'function not supported (algorithm not allowed for this key)']],
  [SW.FILE_NOT_FOUND, ['FILE_NOT_FOUND', 'file or application not found']],
  [SW.RECORD_NOT_FOUND, ['RECORD_NOT_FOUND', 'record not found']],
  [SW.NOT_ENOUGH_MEMORY, ['NOT_ENOUGH_MEMORY', 'not enough memory space in the file']],
  [0x6a85, ['NC_INCONSISTENT_WITH_TLV', 'Nc inconsistent with TLV structure']],
  [SW.INCORRECT_P1P2, ['INCORRECT_P1P2', 'incorrect parameters P1-P2']],
  [SW.LC_INCONSISTENT_WITH_P1P2, ['LC_INCONSISTENT_WITH_P1P2', 'Nc inconsistent with parameters P1-P2']],
  [
    SW.REFERENCED_DATA_NOT_FOUND,
    ['REFERENCED_DATA_NOT_FOUND', 'referenced data not found (PIN not set: device not initialised; or no DKEK)'],
  ],
  [SW.FILE_ALREADY_EXISTS, ['FILE_ALREADY_EXISTS', 'file already exists']],
  [0x6a8a, ['DF_NAME_ALREADY_EXISTS', 'DF name already exists']],
  [SW.WRONG_P1P2, ['WRONG_P1P2', 'wrong parameters P1-P2']],
  [SW.INS_NOT_SUPPORTED, ['INS_NOT_SUPPORTED', 'instruction code not supported or invalid']],
  [SW.CLA_NOT_SUPPORTED, ['CLA_NOT_SUPPORTED', 'class not supported (applet not selected?)']],
  [SW.NO_PRECISE_DIAGNOSIS, ['NO_PRECISE_DIAGNOSIS', 'no precise diagnosis']],
]);

/** `0x6982` → "6982". */
export function formatSw(sw: number): string {
  return (sw & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** ISO/IEC 7816-4 §5.6 meanings of whole SW1 families, for status words without their own entry. */
const FAMILIES: ReadonlyMap<number, readonly [string, string]> = new Map<number, readonly [string, string]>([
  [0x62, ['WARNING', 'warning: state of non-volatile memory unchanged']],
  [0x63, ['WARNING', 'warning: state of non-volatile memory has changed']],
  [0x64, ['EXECUTION_ERROR', 'execution error: state of non-volatile memory unchanged']],
  [0x65, ['EXECUTION_ERROR', 'execution error: state of non-volatile memory has changed']],
  [0x66, ['SECURITY_ERROR', 'security-related issue']],
  [0x67, ['WRONG_LENGTH', 'wrong length']],
  [0x68, ['CLA_FUNCTION_NOT_SUPPORTED', 'functions in CLA not supported']],
  [0x69, ['COMMAND_NOT_ALLOWED', 'command not allowed']],
  [0x6a, ['WRONG_PARAMETERS', 'wrong parameters P1-P2']],
]);

/** Name, meaning and success flag of any status word, including the 61xx, 63Cx and 6Cxx families. */
export function describeStatusWord(sw: number): StatusWordInfo {
  const sw1 = (sw >> 8) & 0xff;
  const sw2 = sw & 0xff;
  const known = TABLE.get(sw);
  if (known !== undefined) return { name: known[0], meaning: known[1], success: sw === SW.OK || sw === SW.END_OF_FILE };
  if (sw1 === 0x61)
    return {
      name: 'BYTES_AVAILABLE',
      meaning: `${sw2 === 0 ? '256 or more' : sw2} response bytes still available (GET RESPONSE)`,
      success: true,
    };
  if (sw1 === 0x6c) return { name: 'WRONG_LE', meaning: `wrong Le: exactly ${sw2 === 0 ? 256 : sw2} bytes available`, success: false };
  const tries = retriesLeft(sw);
  if (tries !== undefined)
    return { name: 'PIN_INCORRECT', meaning: `verification failed, ${tries} ${tries === 1 ? 'try' : 'tries'} left`, success: false };
  const family = FAMILIES.get(sw1);
  if (family !== undefined) return { name: family[0], meaning: family[1], success: false };
  return { name: 'UNKNOWN', meaning: 'status word not defined by ISO 7816-4 or the SmartCard-HSM', success: false };
}

/** For 63Cx: x, the number of tries left; otherwise undefined. */
export function retriesLeft(sw: number): number | undefined {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined;
}

/** 9000 or 61xx: the command completed. */
export function isSuccess(sw: number): boolean {
  return sw === SW.OK || sw >> 8 === 0x61;
}
