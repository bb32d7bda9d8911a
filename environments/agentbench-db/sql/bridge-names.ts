/**
 * The bridges of the translation layer, by name: each is one rewrite of a MySQL-ism SQLite lacks or
 * reads differently. Results list the bridges they used; the README counts tasks per bridge.
 */

/** The bridges, in the order they are reported. */
export const BRIDGE_NAMES = [
  'double-quoted-strings',
  'backslash-escapes',
  'binary-operator',
  'digit-leading-identifiers',
  'numeric-comparison',
  'accent-insensitive-comparison',
  'like-backslash-escape',
  'decimal-division',
  'logical-operators',
  'cast-types',
  'group-concat-separator',
  'rlike',
  'limit-in-update-delete',
  'numbers-stored-as-text',
  'insert-ignore',
  'truncate-table',
  'create-table-options',
  'mysql-functions',
  'show-describe',
] as const;

export type BridgeName = (typeof BRIDGE_NAMES)[number];

/** One line per bridge, for the README and for people reading a translation. */
export const BRIDGE_DESCRIPTIONS: Readonly<Record<BridgeName, string>> = {
  'double-quoted-strings': '`"text"` is a string in MySQL (an identifier in SQLite): emitted as `\'text\'`',
  'backslash-escapes': "MySQL reads `\\'`, `\\n`, `\\\\` … inside strings; SQLite does not: escapes are resolved",
  'binary-operator': '`BINARY x` (compare case- and accent-sensitively) → `x COLLATE BINARY`',
  'digit-leading-identifiers': 'MySQL allows unquoted names that start with a digit (`1952_British_Grand_Prix_0`): quoted with backticks',
  'numeric-comparison': 'a text column against a number compares as numbers in MySQL, as text in SQLite: the column is cast to REAL',
  'accent-insensitive-comparison': "MySQL's default collation (utf8mb4_0900_ai_ci) ignores accents and case in `=`, `LIKE`, `IN`: both sides folded",
  'like-backslash-escape': "backslash is LIKE's default escape in MySQL: `ESCAPE '\\'` added",
  'decimal-division': '`/` always gives a decimal in MySQL, integer division in SQLite: `a * 1.0 / b`',
  'logical-operators': '`||` and `&&` are OR and AND in MySQL (not concatenation), `!` is NOT, `<=>` is IS',
  'cast-types': 'MySQL cast types (`SIGNED`, `UNSIGNED`, `DECIMAL(p,s)`, `CHAR`, `DATE`) mapped to SQLite, `DECIMAL(p,s)` rounded to s places; `CONVERT(x, type)` as CAST',
  'group-concat-separator': '`GROUP_CONCAT(x SEPARATOR s)` → `group_concat(x, s)`',
  rlike: '`RLIKE` → `REGEXP` (case-insensitive, like MySQL with a _ci collation)',
  'limit-in-update-delete': '`UPDATE/DELETE … LIMIT n` (not compiled into this SQLite) → `WHERE rowid IN (SELECT rowid … LIMIT n)`',
  'numbers-stored-as-text': 'a number inserted into a text column keeps its MySQL text (`12.50` stays `12.50`, SQLite would store `12.5`)',
  'insert-ignore': '`INSERT IGNORE` → `INSERT OR IGNORE`',
  'truncate-table': '`TRUNCATE [TABLE] t` → `DELETE FROM t`',
  'create-table-options': '`AUTO_INCREMENT`, `ENGINE=`, `CHARSET=`, `COLLATE=`, `COMMENT` in CREATE TABLE dropped',
  'mysql-functions': 'MySQL functions SQLite lacks (LEFT, RIGHT, LOCATE, SUBSTRING_INDEX, GREATEST, DATE_FORMAT, …) provided as SQLite functions',
  'show-describe': '`SHOW TABLES`, `DESCRIBE t`, `SHOW COLUMNS FROM t`, `SHOW CREATE TABLE t` answered from the schema as MySQL would',
};

