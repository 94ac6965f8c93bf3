// The shell cuts typed text into statements with the SQL lexer: a CREATE FUNCTION's $$ body
// (which may hold ; and quotes) is one piece of its statement, and an unfinished body keeps
// the statement open.
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/shell/statement-splitter.js';

describe('statement splitting around $$ bodies', () => {
  it('keeps a body with ; and quotes inside its statement; an unterminated body is still being typed', () => {
    const f = "CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ const a = ';'; return X; $$;";
    const s = splitStatements(`${f}\nSELECT 1 FROM S;\nCREATE FUNCTION G(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1;`);
    expect(s.statements).toEqual([f, 'SELECT 1 FROM S;']);
    expect(s.rest).toBe('CREATE FUNCTION G(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1;');
    expect(s.unclosed?.message).toBe('Function body ($$ … $$) is never closed');
    expect(splitStatements("SELECT '$$;' FROM S; SELECT 2 FROM S;").statements).toEqual(["SELECT '$$;' FROM S;", 'SELECT 2 FROM S;']);
  });
});
