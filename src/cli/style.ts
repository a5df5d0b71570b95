/**
 * Terminal styling for the CLI: the same as the explorer's (one definition of colours and of when
 * they are on: a terminal, NO_COLOR unset or empty, TERM not "dumb").
 */
export { colorWanted, createStyle, type Style } from '../explorer/style.ts';
