/**
 * The bridges: one token-level rewrite per MySQL-ism (see bridge-names.ts), applied in order by
 * translate.ts. Each edit goes through `rewriter.apply(name, …)`, so a disabled bridge does nothing and
 * a used one is reported.
 */
import { isWord, quoteIdentifier, sqliteString, type Token } from './lexer.ts';
import { MYSQL_FUNCTION_NAMES } from './functions.ts';
import {
  ARITHMETIC,
  assignmentSegments,
  columnEndingAt,
  columnStartingAt,
  listItems,
  numberAt,
  stringOperandAt,
  topLevel,
  type Bridge,
  type Rewriter,
} from './rewriter.ts';

const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>']);
const EQUALITIES = new Set(['=', '<>', '!=', '<=>']);

const FOLD = 'dbbench_fold';

const stringLiterals: Bridge = (rewriter) => {
  rewriter.tokens.forEach((token, index) => {
    if (token.kind !== 'string') return;
    const plain = sqliteString(token.value);
    if (plain === token.text) return;
    const escaped = token.text.slice(1, -1).includes('\\');
    if (token.quote === '"') rewriter.apply('double-quoted-strings', () => rewriter.replace(index, plain));
    if (escaped && (token.quote === "'" || rewriter.enabled('double-quoted-strings'))) rewriter.apply('backslash-escapes', () => rewriter.replace(index, plain));
  });
};

const digitLeadingIdentifiers: Bridge = (rewriter) => {
  rewriter.tokens.forEach((token, index) => {
    if (token.kind === 'word' && /^[0-9]/.test(token.value)) rewriter.apply('digit-leading-identifiers', () => rewriter.replace(index, quoteIdentifier(token.value)));
  });
};

const comparisons: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    const isComparison = token.kind === 'operator' && COMPARISONS.has(token.text);
    const isLike = isWord(token, 'LIKE');
    const isIn = isWord(token, 'IN');
    const isBetween = isWord(token, 'BETWEEN');
    if (!isComparison && !isLike && !isIn && !isBetween) continue;
    // `col = value` in a SET list is an assignment, not a comparison.
    if (rewriter.assignments.has(index)) continue;
    // The left operand ends before the operator (skipping NOT in `x NOT LIKE`, `x NOT IN`, `x NOT BETWEEN`).
    let leftEnd = rewriter.previous(index);
    if (!isComparison && isWord(rewriter.token(leftEnd), 'NOT')) leftEnd = rewriter.previous(leftEnd);
    const leftStart = columnEndingAt(rewriter, leftEnd);
    const rightStart = rewriter.next(index);
    // `BINARY col = 'x'` asks for an exact comparison: no folding.
    const exact = leftStart !== -1 && isWord(rewriter.token(rewriter.previous(leftStart)), 'BINARY');

    if (isIn) {
      if (leftStart === -1 || rewriter.token(rightStart)?.text !== '(') continue;
      const close = rewriter.closing(rightStart);
      const items = listItems(rewriter, rightStart, close);
      if (items.length === 0) continue;
      if (items.every(([start, end]) => numberAt(rewriter, start) === end)) {
        rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      } else if (!exact && items.every(([start, end]) => start === end && rewriter.token(start)?.kind === 'string')) {
        rewriter.apply('accent-insensitive-comparison', () => {
          rewriter.wrap(leftStart, leftEnd, `${FOLD}(`, ')');
          for (const [start] of items) rewriter.wrap(start, start, `${FOLD}(`, ')');
        });
      }
      continue;
    }
    if (isBetween) {
      const lowEnd = numberAt(rewriter, rightStart);
      const and = rewriter.next(lowEnd);
      if (leftStart !== -1 && lowEnd !== -1 && isWord(rewriter.token(and), 'AND') && numberAt(rewriter, rewriter.next(and)) !== -1) {
        rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      }
      continue;
    }
    // column <op> number, number <op> column: compared as numbers, as MySQL does.
    if (isComparison && leftStart !== -1 && numberAt(rewriter, rightStart) !== -1) {
      rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      continue;
    }
    if (isComparison && rewriter.token(leftEnd)?.kind === 'number') {
      const columnEnd = columnStartingAt(rewriter, rightStart);
      if (columnEnd !== -1) rewriter.apply('numeric-comparison', () => rewriter.wrap(rightStart, columnEnd, 'CAST(', ' AS REAL)'));
      continue;
    }
    // column = 'text', column LIKE 'pattern' (and the mirror image): accents and case ignored.
    const equalityLike = isLike || (isComparison && EQUALITIES.has(token.text));
    if (!equalityLike || exact) continue;
    if (leftStart !== -1 && stringOperandAt(rewriter, rightStart)) {
      rewriter.apply('accent-insensitive-comparison', () => {
        rewriter.wrap(leftStart, leftEnd, `${FOLD}(`, ')');
        rewriter.wrap(rightStart, rightStart, `${FOLD}(`, ')');
      });
      if (isLike) likeEscape(rewriter, rightStart);
      continue;
    }
    if (!isLike && rewriter.token(leftEnd)?.kind === 'string' && rewriter.token(rewriter.previous(leftEnd))?.kind !== 'operator') {
      const columnEnd = columnStartingAt(rewriter, rightStart);
      if (columnEnd !== -1) {
        rewriter.apply('accent-insensitive-comparison', () => {
          rewriter.wrap(leftEnd, leftEnd, `${FOLD}(`, ')');
          rewriter.wrap(rightStart, columnEnd, `${FOLD}(`, ')');
        });
      }
      continue;
    }
    if (isLike && rewriter.token(rightStart)?.kind === 'string') likeEscape(rewriter, rightStart);
  }
};

/** MySQL's LIKE treats backslash as the escape character by default; SQLite has no default. */
function likeEscape(rewriter: Rewriter, pattern: number): void {
  const token = rewriter.token(pattern)!;
  if (!token.value.includes('\\') || isWord(rewriter.token(rewriter.next(pattern)), 'ESCAPE')) return;
  rewriter.apply('like-backslash-escape', () => rewriter.wrap(pattern, pattern, '', " ESCAPE '\\'"));
}


const binaryOperator: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (!isWord(rewriter.tokens[index], 'BINARY')) continue;
    // Not the type in CAST(x AS BINARY) or CONVERT(x, BINARY).
    const before = rewriter.token(rewriter.previous(index));
    if (isWord(before, 'AS') || before?.text === ',') continue;
    const start = rewriter.next(index);
    const end = rewriter.token(start)?.kind === 'string' ? start : columnStartingAt(rewriter, start);
    if (end === -1) continue;
    rewriter.apply('binary-operator', () => {
      rewriter.replace(index, '');
      rewriter.wrap(start, end, '', ' COLLATE BINARY');
    });
  }
};

const division: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (token.kind === 'operator' && token.text === '/') rewriter.apply('decimal-division', () => rewriter.replace(index, '* 1.0 /'));
  }
};

const logicalOperators: Bridge = (rewriter) => {
  const replacements: Record<string, string> = { '||': ' OR ', '&&': ' AND ', '!': ' NOT ', '<=>': ' IS ' };
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    const replacement = token.kind === 'operator' ? replacements[token.text] : undefined;
    if (replacement) rewriter.apply('logical-operators', () => rewriter.replace(index, replacement));
  }
};

const castTypes: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (!isWord(token, 'CAST', 'CONVERT')) continue;
    const open = rewriter.next(index);
    if (rewriter.token(open)?.text !== '(') continue;
    const close = rewriter.closing(open);
    if (close === -1) continue;
    // The type: after the top-level AS (CAST) or the top-level comma (CONVERT).
    const separator = topLevel(rewriter, open, close, (candidate) => (isWord(token, 'CAST') ? isWord(candidate, 'AS') : candidate.text === ','));
    if (separator === -1) {
      // CONVERT(x USING charset): the value itself.
      const using = topLevel(rewriter, open, close, (candidate) => isWord(candidate, 'USING'));
      if (using !== -1) {
        rewriter.apply('cast-types', () => {
          rewriter.replace(index, '');
          for (let drop = using; drop < close; drop++) rewriter.replace(drop, '');
        });
      }
      continue;
    }
    const typeStart = rewriter.next(separator);
    const typeWord = rewriter.token(typeStart);
    if (typeWord?.kind !== 'word') continue;
    const type = typeWord.value.toUpperCase();
    const mapped = mapCastType(rewriter, typeStart, close, type);
    if (!mapped) continue;
    rewriter.apply('cast-types', () => {
      rewriter.replace(index, 'CAST');
      rewriter.replace(separator, ' AS ');
      for (let drop = typeStart; drop < close; drop++) rewriter.replace(drop, '');
      rewriter.replace(typeStart, mapped.type);
      if (mapped.scale !== undefined) rewriter.wrap(index, close, 'ROUND(', `, ${mapped.scale})`);
    });
  }
};

/** A MySQL cast type as SQLite's, and the scale to round to for DECIMAL. */
function mapCastType(rewriter: Rewriter, typeStart: number, close: number, type: string): { type: string; scale?: number } | null {
  switch (type) {
    case 'SIGNED':
    case 'UNSIGNED':
      return { type: 'INTEGER' };
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
    case 'FIXED': {
      const numbers = rewriter.tokens.slice(typeStart, close).filter((token) => token.kind === 'number');
      return { type: 'REAL', scale: numbers.length >= 2 ? Number(numbers[1]!.text) : 0 };
    }
    // SQLite gives these NUMERIC affinity ('2008-01-01' would become 2008); MySQL keeps the text.
    case 'BINARY':
    case 'JSON':
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
    case 'YEAR':
      return { type: 'TEXT' };
    // CHAR, NCHAR, DOUBLE, FLOAT and REAL already mean the same in SQLite.
    default:
      return null;
  }
}


const groupConcatSeparator: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (!isWord(rewriter.tokens[index], 'GROUP_CONCAT')) continue;
    const open = rewriter.next(index);
    if (rewriter.token(open)?.text !== '(') continue;
    const close = rewriter.closing(open);
    const separator = topLevel(rewriter, open, close, (token) => isWord(token, 'SEPARATOR'));
    if (separator !== -1) rewriter.apply('group-concat-separator', () => rewriter.replace(separator, ','));
  }
};

const rlike: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (isWord(rewriter.tokens[index], 'RLIKE')) rewriter.apply('rlike', () => rewriter.replace(index, 'REGEXP'));
  }
};

const limitInUpdateDelete: Bridge = (rewriter) => {
  const first = rewriter.significant[0];
  const verb = rewriter.token(first ?? -1);
  if (!isWord(verb, 'UPDATE', 'DELETE')) return;
  const depths = rewriter.depths();
  const limit = rewriter.significant.find((index) => depths[index] === 0 && isWord(rewriter.tokens[index], 'LIMIT'));
  if (limit === undefined) return;
  const tableStart = isWord(verb, 'DELETE') ? rewriter.next(rewriter.significant.find((index) => isWord(rewriter.tokens[index], 'FROM')) ?? -1) : rewriter.next(first!);
  const tableEnd = columnStartingAt(rewriter, tableStart);
  if (tableStart === -1 || tableEnd === -1) return;
  const last = rewriter.significant.at(-1)!;
  const tail =
    rewriter.significant.find((index) => index > tableEnd && depths[index] === 0 && isWord(rewriter.tokens[index], 'WHERE', 'ORDER', 'LIMIT')) ?? limit;
  rewriter.apply('limit-in-update-delete', () => {
    const table = rewriter.slice(tableStart, tableEnd);
    rewriter.wrap(tail, last, ` WHERE rowid IN (SELECT rowid FROM ${table} `, ')');
  });
};

const numbersStoredAsText: Bridge = (rewriter) => {
  const words = rewriter.significant;
  const verb = rewriter.token(words[0] ?? -1);
  const depths = rewriter.depths();
  const values: [number, number][] = [];
  if (isWord(verb, 'INSERT', 'REPLACE')) {
    const keyword = words.find((index) => isWord(rewriter.tokens[index], 'VALUES', 'VALUE'));
    if (keyword === undefined) return;
    let open = rewriter.next(keyword);
    while (rewriter.token(open)?.text === '(') {
      const close = rewriter.closing(open);
      values.push(...listItems(rewriter, open, close));
      const comma = rewriter.next(close);
      if (rewriter.token(comma)?.text !== ',') break;
      open = rewriter.next(comma);
    }
  } else if (isWord(verb, 'UPDATE')) {
    for (const [first, last] of assignmentSegments(rewriter)) {
      const equals = rewriter.significant.find((index) => index >= first && index <= last && rewriter.tokens[index]!.text === '=');
      if (equals !== undefined && equals < last) values.push([rewriter.next(equals), last]);
    }
  } else {
    return;
  }
  for (const [start, end] of values) {
    if (numberAt(rewriter, start) !== end) continue;
    const literal = rewriter.slice(start, end).replace(/\s+/g, '');
    const text = mysqlNumberText(literal);
    if (text === null) continue;
    rewriter.apply('numbers-stored-as-text', () => {
      for (let index = start; index <= end; index++) rewriter.replace(index, '');
      rewriter.replace(start, sqliteString(text));
    });
  }
};

/** The text MySQL stores when a numeric literal goes into a text column; null for hex and binary. */
export function mysqlNumberText(literal: string): string | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(e[+-]?\d+)?$/i.exec(literal);
  if (!match) return null;
  const [, sign = '', whole = '', fraction, exponent] = match;
  if (exponent !== undefined) {
    const value = Number(literal);
    return Number.isFinite(value) ? String(value) : null;
  }
  const integer = (whole.replace(/^0+(?=\d)/, '') || '0');
  const text = fraction === undefined || fraction === '' ? integer : `${integer}.${fraction}`;
  const negative = sign === '-' && /[1-9]/.test(text);
  return negative ? `-${text}` : text;
}

const insertIgnore: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (isWord(rewriter.token(first ?? -1), 'INSERT') && isWord(rewriter.token(second ?? -1), 'IGNORE')) {
    rewriter.apply('insert-ignore', () => rewriter.replace(second!, 'OR IGNORE'));
  }
};

const truncateTable: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (!isWord(rewriter.token(first ?? -1), 'TRUNCATE')) return;
  rewriter.apply('truncate-table', () => {
    rewriter.replace(first!, 'DELETE FROM');
    if (isWord(rewriter.token(second ?? -1), 'TABLE')) rewriter.replace(second!, '');
  });
};

const TABLE_OPTIONS = new Set(['ENGINE', 'CHARSET', 'COLLATE', 'AUTO_INCREMENT', 'COMMENT', 'ROW_FORMAT']);

const createTableOptions: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (!isWord(rewriter.token(first ?? -1), 'CREATE') || !isWord(rewriter.token(second ?? -1), 'TABLE', 'TEMPORARY')) return;
  const open = rewriter.significant.find((index) => rewriter.tokens[index]!.text === '(');
  if (open === undefined) return;
  const close = rewriter.closing(open);
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (index < close && isWord(token, 'AUTO_INCREMENT')) {
      rewriter.apply('create-table-options', () => rewriter.replace(index, ''));
    } else if (index < close && isWord(token, 'COMMENT') && rewriter.token(rewriter.next(index))?.kind === 'string') {
      rewriter.apply('create-table-options', () => {
        rewriter.replace(index, '');
        rewriter.replace(rewriter.next(index), '');
      });
    } else if (index > close && close !== -1) {
      // Everything after the column list is table options MySQL-only: ENGINE=InnoDB DEFAULT CHARSET=...
      if (rewriter.significant.slice(rewriter.significant.indexOf(index)).some((option) => TABLE_OPTIONS.has(rewriter.tokens[option]!.value.toUpperCase()))) {
        rewriter.apply('create-table-options', () => {
          for (let drop = index; drop < rewriter.tokens.length; drop++) rewriter.replace(drop, '');
        });
      }
      break;
    }
  }
};

const mysqlFunctions: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (token.kind === 'word' && MYSQL_FUNCTION_NAMES.has(token.value.toUpperCase()) && rewriter.token(rewriter.next(index))?.text === '(') {
      rewriter.apply('mysql-functions', () => undefined);
    }
  }
};

export const BRIDGES: readonly Bridge[] = [
  stringLiterals,
  digitLeadingIdentifiers,
  comparisons,
  binaryOperator,
  division,
  logicalOperators,
  castTypes,
  groupConcatSeparator,
  rlike,
  limitInUpdateDelete,
  numbersStoredAsText,
  insertIgnore,
  truncateTable,
  createTableOptions,
  mysqlFunctions,
];
