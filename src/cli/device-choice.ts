import { line, type CardSource, type CliContext } from './context.ts';

/** `onChoice` for commands that may take the first card: say which one when there were several. */
export function noteChoice(ctx: CliContext): NonNullable<CardSource['onChoice']> {
  return (c) => {
    if (c.readersWithCard.length > 1)
      line(ctx.stderr, `note: ${c.readersWithCard.length} cards present; using the one in "${c.reader}" (the first); --reader chooses`);
  };
}
