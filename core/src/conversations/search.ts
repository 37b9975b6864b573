/**
 * Full-text search over message text for the chat list's `q` (docs/inbox.md, "Search").
 *
 * - SQLite: the FTS5 table `messages_fts` (external content over `messages.text`, kept by
 *   triggers; migration 1763761000002). A query is the user's words, each as a quoted prefix
 *   term (`"word"*`), all required. Quoting means FTS5 syntax in the input (`"`, `*`, `-`, `OR`,
 *   `NEAR`, `:` …) is never interpreted.
 * - MySQL/MariaDB: the InnoDB `FULLTEXT` index `ft_messages_text` with `MATCH … AGAINST (… IN
 *   BOOLEAN MODE)`, each word as `+word*`. InnoDB does not index words shorter than
 *   `innodb_ft_min_token_size` (3 by default) nor its default stopwords, so such words are
 *   matched with `LIKE '%word%'` on the rows the other words found; a query made only of such
 *   words falls back to `LIKE` over the chat's messages.
 *
 * Words are runs of letters, digits and combining marks (what both tokenizers index); every other
 * character separates words and is dropped, so operators never reach the engine.
 */

/** InnoDB's default full-text stopwords (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD). */
const INNODB_STOPWORDS = new Set(
  'a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www'.split(' '),
);
/** innodb_ft_min_token_size's default. */
const INNODB_MIN_TOKEN = 3;

/** The words of a search query (lower-cased, deduplicated, at most 16). */
export function searchWords(q: string): string[] {
  const words = q.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(words)].slice(0, 16);
}

/** An FTS5 MATCH expression: every word as a required quoted prefix; null when there is none. */
export function fts5Query(q: string): string | null {
  const words = searchWords(q);
  return words.length ? words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ') : null;
}

/**
 * An InnoDB BOOLEAN MODE expression (`+word* +word*`) for the words InnoDB indexes, and the
 * other words, to be matched with LIKE. `against` is null when no word is indexable.
 */
export function innodbQuery(q: string): { against: string | null; likeWords: string[] } {
  const words = searchWords(q);
  const indexable = words.filter((w) => [...w].length >= INNODB_MIN_TOKEN && !INNODB_STOPWORDS.has(w));
  const likeWords = words.filter((w) => !indexable.includes(w));
  return { against: indexable.length ? indexable.map((w) => `+${w}*`).join(' ') : null, likeWords };
}

/** `%text%` for `LIKE … ESCAPE '!'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[%_!]/g, (ch) => '!' + ch)}%`;
}
