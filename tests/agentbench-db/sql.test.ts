/** The MySQL → SQLite layer on its own: lexing, each bridge, MySQL's strictness, errors, result text, hashes. */
import { describe, expect, it } from 'vitest';
import { formatRows, mysqlTableHash, openDatabase, OUTPUT_LIMIT, type TableData } from '../../environments/agentbench-db/database.ts';
import { foldText } from '../../environments/agentbench-db/sql/functions.ts';
import { tokenize } from '../../environments/agentbench-db/sql/lexer.ts';
import { mysqlNumberText, translate, type BridgeName } from '../../environments/agentbench-db/sql/translate.ts';

const MEDALS: TableData = {
  name: 'Olympic Medals',
  columns: ['Rank', 'Nation', 'Gold', 'Total'],
  rows: [
    ['1', 'Great Britain', '2', '5'],
    ['4', 'United States\u00a0(USA)', '1', '2'],
    ['10', 'Ukraine', '0', '2'],
    ['12', 'Côte d\'Ivoire', '0', '1'],
    ['9', 'Brazil', '2', '2'],
  ],
};

const sql = (statement: string, disable: BridgeName[] = []) => {
  const translation = translate(statement, { tables: [MEDALS.name], disable: new Set(disable) });
  if (translation.kind !== 'sql') throw new Error(`expected SQL, got ${JSON.stringify(translation)}`);
  return translation;
};

const run = (statement: string) => openDatabase([MEDALS]).execute(statement);

describe('lexer', () => {
  it('reads MySQL strings, quoted names, digit-leading names, comments and operators', () => {
    const tokens = tokenize("SELECT `a``b`, \"it's\", 'x\\'y', 1952_GP, 1e3, .5 FROM t # note\n WHERE a <=> b -- end").filter((token) => token.kind !== 'space');
    expect(tokens.map((token) => [token.kind, token.value])).toEqual([
      ['word', 'SELECT'], ['quoted-identifier', 'a`b'], ['punctuation', ','], ['string', "it's"], ['punctuation', ','], ['string', "x'y"], ['punctuation', ','],
      ['word', '1952_GP'], ['punctuation', ','], ['number', '1e3'], ['punctuation', ','], ['number', '.5'], ['word', 'FROM'], ['word', 't'], ['comment', '# note'],
      ['word', 'WHERE'], ['word', 'a'], ['operator', '<=>'], ['word', 'b'], ['comment', '-- end'],
    ]);
  });
});

describe('bridges', () => {
  it('double-quoted strings are strings, as in MySQL', () => {
    const translation = sql('INSERT INTO `Olympic Medals` VALUES (\'1\', "Men\'s relay", \'1\', \'1\')');
    expect(translation.sql).toContain("'Men''s relay'");
    expect(translation.bridges).toContain('double-quoted-strings');
  });

  it('backslash escapes are resolved', () => {
    expect(sql("SELECT 'a\\nb', 'it\\'s'").sql).toBe("SELECT 'a\nb', 'it''s'");
  });

  it('names that start with a digit are quoted', () => {
    expect(sql('SELECT * FROM 1952_British_Grand_Prix_0').sql).toBe('SELECT * FROM `1952_British_Grand_Prix_0`');
  });

  it('a text column against a number compares as numbers (MySQL), not as text (SQLite)', () => {
    expect(sql('SELECT Nation FROM `Olympic Medals` WHERE `Rank` < 5').sql).toBe('SELECT Nation FROM `Olympic Medals` WHERE CAST(`Rank` AS REAL) < 5');
    expect(run('SELECT Nation FROM `Olympic Medals` WHERE `Rank` < 5').output).toBe("[('Great Britain',), ('United States\\xa0(USA)',)]");
    expect(run('SELECT Nation FROM `Olympic Medals` WHERE `Rank` BETWEEN 9 AND 10').rows?.length).toBe(2);
    expect(run('SELECT Nation FROM `Olympic Medals` WHERE `Rank` IN (9, 10)').rows?.length).toBe(2);
    // Without the bridge SQLite compares '10' < '5' as text.
    const database = openDatabase([MEDALS], { disable: new Set(['numeric-comparison']) });
    expect(database.execute('SELECT Nation FROM `Olympic Medals` WHERE `Rank` < 5').rows?.length).toBe(4);
  });

  it('text comparisons ignore case, accents and compatibility variants, as utf8mb4_0900_ai_ci does', () => {
    expect(run("SELECT Total FROM `Olympic Medals` WHERE Nation = 'united states (usa)'").output).toBe("[('2',)]");
    expect(run("SELECT Total FROM `Olympic Medals` WHERE Nation LIKE 'cote d%'").output).toBe("[('1',)]");
    expect(run("SELECT Total FROM `Olympic Medals` WHERE Nation IN ('BRAZIL', 'ukraine')").rows?.length).toBe(2);
    expect(run("SELECT COUNT(*) FROM `Olympic Medals` WHERE BINARY Nation = 'brazil'").output).toBe('[(0,)]');
    expect(foldText('Södertälje\u00a0SK')).toBe('sodertalje sk');
  });

  it('division gives decimals, || is OR, <=> is IS', () => {
    expect(run('SELECT 5 / 2').output).toBe('[(2.5,)]');
    expect(run("SELECT COUNT(*) FROM `Olympic Medals` WHERE Nation = 'Brazil' || Nation = 'Ukraine'").output).toBe('[(2,)]');
    expect(run('SELECT NULL <=> NULL').output).toBe('[(1,)]');
  });

  it('MySQL cast types', () => {
    expect(run("SELECT CAST('12.7' AS SIGNED), CAST('2.345' AS DECIMAL(5,2)), CAST('2008-01-02' AS DATE)").output).toBe("[(12, 2.35, '2008-01-02')]");
    expect(run("SELECT CONVERT('7', UNSIGNED)").output).toBe('[(7,)]');
  });

  it('GROUP_CONCAT … SEPARATOR, RLIKE, MySQL functions', () => {
    expect(run("SELECT GROUP_CONCAT(Nation SEPARATOR '; ') FROM `Olympic Medals` WHERE Gold = 2").output).toBe("[('Great Britain; Brazil',)]");
    expect(run("SELECT COUNT(*) FROM `Olympic Medals` WHERE Nation RLIKE '^b'").output).toBe('[(1,)]');
    expect(run("SELECT LEFT('abcdef', 2), RIGHT('abcdef', 2), LOCATE('c', 'abcdef'), SUBSTRING_INDEX('a-b-c', '-', 2), GREATEST(1, 5, 3)").output).toBe("[('ab', 'ef', 3, 'a-b', 5)]");
    expect(run("SELECT DATE_FORMAT('2008-03-04', '%d %M %Y'), STR_TO_DATE('October 5, 1968', '%M %d, %Y')").output).toBe("[('04 March 2008', '1968-10-05')]");
  });

  it('UPDATE and DELETE with LIMIT', () => {
    const database = openDatabase([MEDALS]);
    expect(database.execute('DELETE FROM `Olympic Medals` WHERE Total = 2 LIMIT 1').ok).toBe(true);
    expect(database.execute('SELECT COUNT(*) FROM `Olympic Medals`').output).toBe('[(4,)]');
    expect(database.execute("UPDATE `Olympic Medals` SET Gold = '9' WHERE Total = 2 LIMIT 1").ok).toBe(true);
    expect(database.execute("SELECT COUNT(*) FROM `Olympic Medals` WHERE Gold = '9'").output).toBe('[(1,)]');
  });

  it('numbers stored in text columns keep their MySQL text', () => {
    const database = openDatabase([MEDALS]);
    database.execute("INSERT INTO `Olympic Medals` VALUES (12.50, 'Chile', -0, 1e3)");
    expect(database.execute("SELECT * FROM `Olympic Medals` WHERE Nation = 'Chile'").output).toBe("[('12.50', 'Chile', '0', '1000')]");
    database.execute("UPDATE `Olympic Medals` SET Gold = 007, Total = 3.0 WHERE Nation = 'Chile'");
    expect(database.execute("SELECT Gold, Total FROM `Olympic Medals` WHERE Nation = 'Chile'").output).toBe("[('7', '3.0')]");
    expect(mysqlNumberText('.5')).toBe('0.5');
  });

  it('SHOW TABLES, DESCRIBE, SHOW COLUMNS, SHOW CREATE TABLE, TRUNCATE, INSERT IGNORE, CREATE TABLE options', () => {
    const database = openDatabase([MEDALS]);
    expect(database.execute('SHOW TABLES;').output).toBe("[('Olympic Medals',)]");
    expect(database.execute('DESCRIBE `Olympic Medals`').output).toBe("[('Rank', 'text', 'YES', '', None, ''), ('Nation', 'text', 'YES', '', None, ''), ('Gold', 'text', 'YES', '', None, ''), ('Total', 'text', 'YES', '', None, '')]");
    expect(database.execute('SHOW COLUMNS FROM `Olympic Medals`').rows?.length).toBe(4);
    expect(database.execute('SHOW CREATE TABLE `Olympic Medals`').output).toContain('ENGINE=InnoDB');
    expect(database.execute('CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(20) COMMENT \'text\') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4').ok).toBe(true);
    expect(database.execute("INSERT IGNORE INTO notes (body) VALUES ('a')").ok).toBe(true);
    expect(database.execute('TRUNCATE TABLE notes').ok).toBe(true);
    expect(database.execute('SELECT COUNT(*) FROM notes').output).toBe('[(0,)]');
  });

  it('LIMIT offset, count and backticks are native', () => {
    const translation = sql('SELECT `Nation` FROM `Olympic Medals` LIMIT 1, 2');
    expect(translation.bridges).toEqual([]);
    expect(run('SELECT `Nation` FROM `Olympic Medals` LIMIT 1, 2').rows?.length).toBe(2);
  });
});

describe('MySQL strictness and errors', () => {
  it('refuses what MySQL refuses, in MySQL words', () => {
    expect(run('SELECT [Nation] FROM `Olympic Medals`').output).toBe(
      "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '[Nation] FROM `Olympic Medals`' at line 1",
    );
    expect(run('SELECT Nation FROM "Olympic Medals"').output).toMatch(/^1064 \(42000\).*near '"Olympic Medals"'/);
    expect(run('SELECT * FROM `olympic medals`').output).toBe("1146 (42S02): Table 'dbbench.olympic medals' doesn't exist");
    expect(run('SELECT CAST(Gold AS INT) FROM `Olympic Medals`').output).toMatch(/^1064 \(42000\).*near 'INT\) FROM/);
    expect(run('SELECT 1; SELECT 2').output).toMatch(/^1064 \(42000\).*near 'SELECT 2'/);
    expect(run('   ').output).toBe('1065 (42000): Query was empty');
    expect(run("SELECT 'unterminated").ok).toBe(false);
  });

  it('words SQLite errors as MySQL does', () => {
    expect(run('SELECT Medals FROM `Olympic Medals`').output).toBe("1054 (42S22): Unknown column 'Medals' in 'field list'");
    expect(run('SELECT Nation FROM `Olympic Medals` WHERE Medals = 1').output).toBe("1054 (42S22): Unknown column 'Medals' in 'where clause'");
    expect(run('SELECT * FROM Medals').output).toBe("1146 (42S02): Table 'dbbench.Medals' doesn't exist");
    expect(run('SELECT Nation Gold FROM `Olympic Medals` WHERE').output).toMatch(/^1064 \(42000\)/);
    expect(run('SELECT NOPE(1)').output).toBe('1305 (42000): FUNCTION dbbench.NOPE does not exist');
    expect(run("INSERT INTO `Olympic Medals` VALUES ('1')").output).toBe("1136 (21S01): Column count doesn't match value count at row 1");
  });
});

describe('results and hashes', () => {
  it('prints rows as the MySQL connector does in Python, and cuts at 800 characters', () => {
    expect(formatRows([[{ int: 12n }, 12, 1e16, 0.0001, null, "it's", 'a"b\\']])).toBe(`[(12, 12.0, 1e+16, 0.0001, None, "it's", 'a"b\\\\')]`);
    const long = formatRows(Array.from({ length: 200 }, (_, index) => [`row ${index}`]));
    expect(long.length).toBe(OUTPUT_LIMIT + '[TRUNCATED]'.length);
    expect(long.endsWith('[TRUNCATED]')).toBe(true);
    expect(run('SELECT SUM(Gold), AVG(Total), COUNT(*) FROM `Olympic Medals`').output).toBe('[(5.0, 2.4, 5)]');
  });

  it("computes AgentBench's table hash as MySQL does (CONCAT_WS skips NULL, rows sorted)", () => {
    // md5(group_concat(substring(md5(concat_ws(',', 'a', 'b')), 1, 5) order by …)) for rows (a,b), (c,NULL)
    const hash = mysqlTableHash([
      ['c', null],
      ['a', 'b'],
    ]);
    expect(hash).toBe(mysqlTableHash([['a', 'b'], ['c', null]]));
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(mysqlTableHash([['c', null]])).toBe(mysqlTableHash([['c']]));
    expect(mysqlTableHash([])).toBeNull();
  });
});
