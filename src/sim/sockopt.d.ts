// Types for the optional native `sockopt` package (getsockopt/setsockopt on Node sockets; integers only).
declare module 'sockopt' {
  import type { Socket } from 'node:net';
  export function setsockopt(socket: Socket, level: number, option: number, value: number): void;
  export function getsockopt(socket: Socket, level: number, option: number): number;
}
