/**
 * How many terminal columns a string takes, measured like the `string-width` package, for yargs'
 * help layout. The CLI bundle (scripts/build.mjs) puts this module in place of `string-width`.
 *
 * WHY: `string-width` builds an `\p{RGI_Emoji}` regular expression and an `Intl.Segmenter` when it is
 * imported and loads ICU's grapheme rules on its first call: 90–170 ms of every `schsm` start on our
 * machines, more than all of yargs (issue 11 item 3), for help text that is nearly all ASCII. Here
 * printable ASCII costs one regular-expression test; other text without combining or joining
 * characters is measured code point by code point (East Asian Width); only the rest needs the
 * segmenter, made on first use. test/cli/text-width.test.ts checks the result against string-width.
 */
import { stripVTControlCharacters } from 'node:util';
import { eastAsianWidth } from 'get-east-asian-width';

export interface TextWidthOptions {
  /** Count East Asian "ambiguous" characters as 1 column (default, as string-width) or 2. */
  readonly ambiguousIsNarrow?: boolean;
  /** Count the characters of ANSI escape sequences instead of removing them first. */
  readonly countAnsiEscapeCodes?: boolean;
}

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
/** The first character of every sequence stripVTControlCharacters removes (ESC, CSI). */
const ESCAPE = /[\u001B\u009B]/;

interface Lazy {
  /** Characters that join others into one grapheme, or take no column: only text with one needs the segmenter. */
  readonly clustering: RegExp;
  /** Takes no column: controls, format characters (ZWJ, variation selectors), combining marks, ignorables. */
  readonly invisible: RegExp;
  /** Shown as an emoji: emoji presentation by default. */
  readonly emojiPresentation: RegExp;
  readonly pictographic: RegExp;
  readonly regionalIndicator: RegExp;
}

let lazy: Lazy | undefined;
/** ICU's grapheme rules: 50–70 ms to load, so only for text that has a clustering character. */
let segmenter: Intl.Segmenter | undefined;

function tables(): Lazy {
  lazy ??= {
    clustering: /[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u{10000}-\u{10FFFF}]/u,
    invisible: /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}\p{Cs}]$/u,
    emojiPresentation: /^\p{Emoji_Presentation}$/u,
    pictographic: /\p{Extended_Pictographic}/gu,
    regionalIndicator: /^\p{Regional_Indicator}{2}$/u,
  };
  return lazy;
}

/** Terminal columns of `text` (0 for a non-string), as `stringWidth(text, options)` of string-width. */
export default function textWidth(text: unknown, options: TextWidthOptions = {}): number {
  if (typeof text !== 'string' || text === '') return 0;
  // every escape sequence starts with ESC or CSI: without one there is nothing to strip, and the
  // regular expression costs more than the rest (yargs measures each word of --help several times)
  const plain = options.countAnsiEscapeCodes === true || !ESCAPE.test(text) ? text : stripVTControlCharacters(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  const t = tables();
  const ambiguousAsWide = options.ambiguousIsNarrow === false;
  let width = 0;
  if (!t.clustering.test(plain)) {
    // every code point is a grapheme of its own (BMP, no marks, joiners or jamo)
    for (const c of plain) width += codePointWidth(c.codePointAt(0) ?? 0, ambiguousAsWide);
    return width;
  }
  segmenter ??= new Intl.Segmenter();
  for (const { segment } of segmenter.segment(plain)) width += graphemeWidth(segment, t, ambiguousAsWide);
  return width;
}

/** C0 and C1 controls take no column; the rest as East Asian Width says (emoji presentation is W there). */
function codePointWidth(cp: number, ambiguousAsWide: boolean): number {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 0;
  return eastAsianWidth(cp, { ambiguousAsWide });
}

function graphemeWidth(grapheme: string, t: Lazy, ambiguousAsWide: boolean): number {
  const visible = [...grapheme].filter((c) => !t.invisible.test(c));
  const base = visible[0];
  if (base === undefined) return 0;
  if (isEmoji(grapheme, base, t)) return 2;
  return eastAsianWidth(base.codePointAt(0) ?? 0, { ambiguousAsWide });
}

function isEmoji(grapheme: string, base: string, t: Lazy): boolean {
  if (t.emojiPresentation.test(base) || t.regionalIndicator.test(grapheme)) return true;
  if (/^[\d#*]\uFE0F?\u20E3$/.test(grapheme)) return true; // keycap
  const pictographs = grapheme.match(t.pictographic)?.length ?? 0;
  if (pictographs === 0) return false;
  // VS16 asks for emoji presentation; a skin tone or a ZWJ sequence of two pictographs is one emoji.
  return grapheme.includes('\uFE0F') || /[\u{1F3FB}-\u{1F3FF}]/u.test(grapheme) || (grapheme.includes('\u200D') && pictographs >= 2);
}
