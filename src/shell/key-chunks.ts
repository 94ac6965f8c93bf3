// Keys that arrive together in one read (typed fast, over ssh or tmux, pasted) reach ink as one
// input string: "\tS" is Tab then S, "\x0cx" Ctrl-L then x. This cuts such a string back into the
// keys it holds, so each acts as it would alone. Line breaks stay in the text (paste handling).

import type { Key } from 'ink';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/;

function controlKey(ch: string): [string, Key] {
  const code = ch.charCodeAt(0);
  if (code === 9) return ['\t', { ...NO_KEY, tab: true }];
  if (code === 0x7f || code === 8) return ['', { ...NO_KEY, delete: true }];
  return [String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }];
}

export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length < 2 || !CONTROL.test(input)) return [[input, key]];
  const out: [string, Key][] = [];
  let text = '';
  for (const ch of input) {
    if (!CONTROL.test(ch)) {
      text += ch;
      continue;
    }
    if (text) out.push([text, NO_KEY]);
    text = '';
    out.push(controlKey(ch));
  }
  if (text) out.push([text, NO_KEY]);
  return out;
}
