// An error ksqlDB raises while generating code for an expression, not while typing it: its
// code generator prefixes these with the expression's place ("Invalid Select: …."), so the
// planner rewraps them where it knows the place (compile.ts). Type errors keep their words.

import { SqlError, type SqlErrorPosition } from '../../parser/errors.js';

export class CodegenError extends SqlError {
  constructor(message: string, position?: SqlErrorPosition | { loc?: SqlErrorPosition }) {
    super(message, position);
  }
}
