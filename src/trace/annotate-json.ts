import type { Annotation, CommandAnnotation, ResponseAnnotation } from './annotate.ts';
import { tlvLines, type DataAnnotation } from './decode-data.ts';
import { formatPattern } from './pattern.ts';

/**
 * The JSON form of annotations (`schsm trace show --json`): the structure of annotate.ts with the
 * recorded bytes as hex (`..` masked, `*` any run) and TLV data expanded into its printed tree.
 */
export type DataJson =
  | Exclude<DataAnnotation, { kind: 'tlv' }>
  | { readonly kind: 'tlv'; readonly what: string; readonly length: number; readonly lines: readonly string[] };

export type CommandJson = Omit<CommandAnnotation, 'pattern' | 'data'> & { readonly hex: string; readonly data: DataJson | undefined };
export type ResponseJson = Omit<ResponseAnnotation, 'pattern' | 'data'> & { readonly hex: string; readonly data: DataJson | undefined };

export type AnnotationJson =
  | (Omit<Extract<Annotation, { kind: 'exchange' }>, 'command' | 'response'> & {
      readonly command: CommandJson;
      readonly response: ResponseJson;
    })
  | Extract<Annotation, { kind: 'reset' }>;

/** A data annotation for JSON output (TLV trees with hex strings instead of bytes). */
export function dataJson(d: DataAnnotation | undefined): DataJson | undefined {
  if (d === undefined || d.kind !== 'tlv') return d;
  return { kind: 'tlv', what: d.what, length: d.bytes.length, lines: tlvLines(d) };
}

function commandJson(c: CommandAnnotation): CommandJson {
  const { pattern, data, ...rest } = c;
  return { hex: formatPattern(pattern), ...rest, data: dataJson(data) };
}

function responseJson(r: ResponseAnnotation): ResponseJson {
  const { pattern, data, ...rest } = r;
  return { hex: formatPattern(pattern), ...rest, data: dataJson(data) };
}

/** One annotation as plain JSON-ready data. */
export function annotationJson(a: Annotation): AnnotationJson {
  if (a.kind === 'reset') return a;
  return { ...a, command: commandJson(a.command), response: responseJson(a.response) };
}
