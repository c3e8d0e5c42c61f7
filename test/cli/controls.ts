// What a model or a server might send to drive a terminal (issue 21), shared by the CLI's tests.

/** Every control character a terminal acts on: C0 but newline and tab, DEL, C1. */
export const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, code) => code).filter((code) => code !== 0x0a && code !== 0x09),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
].map((code) => String.fromCharCode(code));
export const HOSTILE = [
  'title\x1b]0;pwned\x07',
  '\x1b[2J',
  '\x1b]8;;http://evil/\x1b\\link',
  '\x1b]52;c;ZXZpbA==\x07',
  '\x9b31m',
  CONTROLS.join(''),
];
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
