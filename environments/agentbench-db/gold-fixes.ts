/**
 * Where DBBench's own gold data cannot be replayed as it stands, by AgentBench sample index (the line of
 * standard.jsonl, counted from 0; task ids are `dbbench-<index>`).
 *
 * For question tasks AgentBench judges the answer against the `label` only; the gold SQL is never run.
 * Many gold queries do not run on MySQL (names with spaces left unquoted, keywords run together as in
 * `AttendanceFROM`, SQL Server's `[brackets]`, SQLite's double-quoted names) or select something other
 * than the label. Those tasks are kept, judged exactly as the benchmark judges them, and the oracle asks
 * the query below instead (MySQL syntax, run through the same tool as the agent's). Tasks whose label no
 * query over the embedded table can produce (mostly: rows were added to the table after it was labelled)
 * are excluded, each with its reason. Tests check both lists against the data.
 */

/** A query that answers the question with the label, where the benchmark's gold SQL does not. */
export interface OracleQuery {
  /** The query, in MySQL syntax. */
  sql: string;
  /** What is wrong with the benchmark's gold SQL. */
  why: string;
}

const QUOTED = 'gold SQL quotes names with double quotes or [brackets], which MySQL does not read as names';
const BROKEN = 'gold SQL does not parse: keywords run together or names with spaces left unquoted';
const OTHER = 'gold SQL answers a different question than its label';

export const ORACLE_QUERIES: Readonly<Record<number, OracleQuery>> = {
  0: { sql: "SELECT Notes FROM `Jiu-Jitsu Championships Results` WHERE Method = 'Decision'", why: QUOTED },
  1: { sql: "SELECT `2007` FROM `Tournament Results` WHERE `2008` = 'SF' AND `2010` = 'F'", why: 'gold SQL names a table that does not exist and compares numbers with text' },
  4: { sql: "SELECT City FROM `Airport Information` WHERE IATA = 'VIE'", why: QUOTED },
  5: { sql: "SELECT DISTINCT League FROM `Soccer Team Performance Table` WHERE League != 'NPSL'", why: BROKEN },
  6: { sql: "SELECT Attendance FROM `Football Matches` WHERE `Tie no` = '19'", why: QUOTED },
  7: {
    sql: "SELECT DISTINCT `Last of whiteness` FROM `Crest Whitestrips Products` WHERE Model IN ('Crest 3D Intensive Professional Effects', 'Crest Whitestrips 3D Professional Effects')",
    why: QUOTED,
  },
  9: { sql: "SELECT Attendance FROM `Hockey Games` WHERE Round = 52 AND Home = 'Södertälje SK'", why: BROKEN },
  10: { sql: 'SELECT Team FROM `Manager Changes` LIMIT 1, 1', why: OTHER },
  11: { sql: "SELECT Event FROM `MMA Fight Record` WHERE Opponent = 'Masato Shiozawa'", why: QUOTED },
  13: { sql: "SELECT Premiers FROM `AFL Cairns Grand Final Results` WHERE Year = '2008'", why: BROKEN },
  14: { sql: "SELECT `Winning Team` FROM Hockey_Game_Results WHERE `Losing Team` IN ('Dallas', 'Ottawa') AND Date = 'December 9, 1993'", why: 'gold SQL names columns that do not exist' },
  15: {
    sql: "SELECT `2008/09` FROM `IME Exchange (Including spot, credit and forward transactions)` WHERE `IME Exchange (Including spot, credit and forward transactions)` = 'Agricultural - Value (billion rials)' LIMIT 1",
    why: QUOTED,
  },
  19: { sql: "SELECT `Crude Death Rate` FROM `Population Dynamics Table` WHERE Deaths = '106 000'", why: OTHER },
  31: { sql: "SELECT SUBSTRING_INDEX(Score, '-', 1) FROM `Brazil National Football Team Results` WHERE Date = 'November 6, 1968'", why: OTHER },
  33: { sql: "SELECT COUNT(*) FROM `Tennis Matches` WHERE Surface = 'Grass'", why: QUOTED },
  37: { sql: "SELECT Title FROM episode_table WHERE `Directed by` = 'Michael Pressman' AND `No. in season` < 10", why: BROKEN },
  38: {
    sql: "SELECT `Year of First Appearance` FROM `Finals Appearances by Drum Corps` WHERE `Corps Name` = 'Black Knights' AND `Number of Finals Appearances` < 1",
    why: QUOTED,
  },
  42: { sql: "SELECT Wins FROM `Scottish Challenge Cup Finalists` WHERE Club = 'Dunfermline Athletic' AND `Total final appearances` < 2", why: BROKEN },
  43: { sql: "SELECT Competition FROM team_competition_stats WHERE Team = 'Japan' AND `Appearances\\nStart` >= 3", why: 'gold SQL names a column that does not exist' },
  44: {
    sql: "SELECT `Home team score` FROM `Australian Rules Football Matches` WHERE Venue = 'Victoria Park' AND CAST(REPLACE(Crowd, ',', '') AS SIGNED) > 12000",
    why: QUOTED,
  },
  45: { sql: "SELECT Competition FROM `Athletics Performances` WHERE Year <= 2001 AND Competition <> 'World Championships'", why: BROKEN },
  46: { sql: "SELECT Round FROM tennis_results WHERE Winner = 'Ivanovic' AND Year < 2008 AND Tournament = 'Paris'", why: BROKEN },
  49: { sql: 'SELECT November FROM game_results WHERE Game < 16 AND Points > 22', why: BROKEN },
  51: { sql: 'SELECT MIN(Matches) FROM `Cricket Bowling Statistics` WHERE Runs = 276', why: BROKEN },
  52: { sql: "SELECT Player FROM `NBA Draft History` WHERE `School/Club Team` LIKE '%California%' ORDER BY CAST(Pick AS SIGNED) LIMIT 1", why: QUOTED },
  53: {
    sql: "SELECT Island FROM `Island Area by Country/Region` WHERE Island IN ('Tiree', 'Kasos') ORDER BY CAST(`Area\\n(sq mi)` AS SIGNED) DESC LIMIT 1",
    why: BROKEN,
  },
  54: { sql: "SELECT MAX(`Goals¹`) FROM football_player_statistics WHERE Period = '1972 – 1975, 1976 – 1982'", why: BROKEN },
  56: { sql: 'SELECT Hospital FROM `Hospital Information` WHERE `Rank` IN (8, 9) AND `# Beds` = 1200', why: BROKEN },
  57: { sql: "SELECT MIN(Game) FROM `Game Results` WHERE Score = '99-89'", why: BROKEN },
  58: { sql: "SELECT Driver FROM `Grand Prix Result` WHERE Driver IN ('Tony Maggs', 'Jo Siffert') ORDER BY CAST(Pos AS SIGNED) LIMIT 1", why: OTHER },
  61: { sql: 'SELECT Association FROM `Football Teams` ORDER BY `Joining year` DESC LIMIT 1', why: 'gold SQL names a table and a column that do not exist' },
  62: {
    sql: "SELECT Country FROM `national films` WHERE Year = '2013' ORDER BY CAST(REPLACE(`Box Office`, '$', '') AS DECIMAL(10,2)) DESC LIMIT 1",
    why: BROKEN,
  },
  63: { sql: 'SELECT MIN(`Int yards`) FROM `Player Stats` WHERE Sacks = 11.5', why: BROKEN },
  64: {
    sql: "SELECT SUBSTRING(Name, 4) FROM `Military Leaders Table` WHERE Name LIKE '%William A. Mann' OR Name LIKE '%John F. Williams' LIMIT 1",
    why: OTHER,
  },
  66: { sql: 'SELECT Model FROM Vehicle_Data ORDER BY CAST(Quantity AS SIGNED) DESC LIMIT 1', why: BROKEN },
  67: {
    sql: "SELECT Name FROM `City Population and Area` WHERE `#` BETWEEN 4 AND 7 ORDER BY CAST(REPLACE(`Population (2010 Census)`, ',', '') AS SIGNED) DESC LIMIT 1",
    why: BROKEN,
  },
  69: { sql: 'SELECT COUNT(`RR2 Pts.`) FROM team_racing_results WHERE Won = 11', why: OTHER },
  70: { sql: "SELECT COUNT(Crowd) FROM `Aussie Rules Football Match Results` WHERE Venue = 'Glenferrie Oval'", why: BROKEN },
  71: { sql: "SELECT COUNT(Population) FROM city_district_statistics WHERE `Foreign nationals in %` = '23,3%'", why: OTHER },
  72: { sql: "SELECT SUM(Total) FROM `Medal Table` WHERE Nation IN ('South Korea', 'North Korea', 'Sweden', 'Brazil')", why: BROKEN },
  74: { sql: "SELECT COUNT(Offensive) FROM lacrosse_stats WHERE Overall = 'Colin Doyle'", why: OTHER },
  77: { sql: 'SELECT MIN(CAST(Start AS SIGNED)) FROM car_race_results', why: 'gold SQL takes the minimum of text, not of numbers' },
  78: { sql: "SELECT MIN(Game) FROM `game score` WHERE Score = '108-85'", why: QUOTED },
  79: {
    sql: "SELECT Name FROM `Tall Buildings in Minneapolis` WHERE `Years as tallest` LIKE '1%' ORDER BY `Years as tallest` LIMIT 1",
    why: QUOTED,
  },
  80: { sql: "SELECT MIN(CAST(REPLACE(Crowd, ',', '') AS SIGNED)) FROM football_matches WHERE `Away team score` = '15.11 (101)'", why: QUOTED },
  85: { sql: "SELECT MAX(`Year built`) FROM `Aerial Tramway Table` WHERE Country = 'Germany'", why: OTHER },
  89: {
    sql: "SELECT `Name of the Train` FROM `Train Schedule` WHERE Day = 'Daily' AND Arrival <> 'N/a' ORDER BY Arrival DESC LIMIT 1",
    why: 'gold SQL takes the maximum over the text "N/a"',
  },
  90: { sql: "SELECT Venue FROM football_teams ORDER BY CAST(REPLACE(Capacity, ',', '') AS SIGNED) DESC LIMIT 1", why: BROKEN },
  94: {
    sql: "SELECT AVG(`First Elected`) FROM `Maryland State Legislature Representatives` WHERE District = '11' AND Committee = 'Environmental Matters'",
    why: BROKEN,
  },
  96: { sql: "SELECT AVG(Gold) FROM `Olympic Medals` WHERE Nation IN ('China', 'Japan', 'North Korea')", why: 'gold SQL names a table that does not exist' },
};

const ADDED_ROWS = 'rows were added to the table after it was labelled';

/** Tasks that cannot be run faithfully: the benchmark's own label or hash is out of reach. */
export const EXCLUDED_TASKS: Readonly<Record<number, string>> = {
  3: "label '2 goals' is free text; the table has two Southampton and two Sunderland results and no query over it yields the label",
  21: `label 3, but 11 locomotives in the table are operational (${ADDED_ROWS})`,
  22: 'the table holds two teams\' schedules (7 October games); the label (4) counts one team and nothing in the table says which',
  23: `label 17, but the table lists 27 websites (${ADDED_ROWS})`,
  24: `label 1, but three college teams in the table have a Russian player (${ADDED_ROWS})`,
  25: `label 15, but the table lists 25 films (${ADDED_ROWS})`,
  28: `label 7, but the table holds two races and 14 Norwegian or French participants (${ADDED_ROWS})`,
  29: `label 17, but 25 trains in the table run daily (${ADDED_ROWS})`,
  35: "'above 7 GT numbers' over ranges and lists of numbers: no query over the table singles out the label (ALCO) without naming it",
  40: 'the table merges two medal tables: the United States and Ecuador both won gold and no silver; the label names one',
  47: `two SL away matches over number 16 are in the table (63–85 and 57–87); the label names one (${ADDED_ROWS})`,
  55: `'highest rank' has no single answer in the table: rank 15 (Emily Williams) and rank 16 (Petar Popangelov, John Smith) (${ADDED_ROWS})`,
  75: `label 21 sums the first 17 teams' playoff appearances; the table has more teams (${ADDED_ROWS})`,
  84: `label 3, but a row with 4 number ones is in the table (${ADDED_ROWS})`,
  87: `label 2011, but a 2017 row in the table also qualifies (${ADDED_ROWS})`,
  88: `label 2009, but rows with one podium in 2021 are in the table (${ADDED_ROWS})`,
  91: `label 5.4L, but a 6.0L engine is in the table (${ADDED_ROWS})`,
  93: `label 153 averages the first 13 rows (1926–1939) of the 23 in the table (${ADDED_ROWS})`,
  99: 'the table holds three cities\' climate rows; the label compares one of them and no query can tell which',
  225: "the recorded table hash (answer_md5) matches neither the table after the gold UPDATE nor the initial table: the benchmark's own answer cannot be reached",
};
