import { describe, expect, it } from 'vitest';
import { fts5Query, innodbQuery, likePattern, searchWords } from './search.js';

describe('search words', () => {
  it('splits on anything but letters, digits and marks, lower-cases and deduplicates', () => {
    expect(searchWords('Olá, "Mundo" -mundo* 100% foo_bar')).toEqual(['olá', 'mundo', '100', 'foo', 'bar']);
    expect(searchWords('مرحبا بك')).toEqual(['مرحبا', 'بك']);
    expect(searchWords('"*-%')).toEqual([]);
  });

  it('quotes every word as a required FTS5 prefix term, so operators are never interpreted', () => {
    expect(fts5Query('hello NEAR world OR x')).toBe('"hello"* "near"* "world"* "or"* "x"*');
    expect(fts5Query('col:val "a" -b')).toBe('"col"* "val"* "a"* "b"*');
    expect(fts5Query('"*')).toBeNull();
  });

  it('sends InnoDB only the words it indexes; short words and stopwords go to LIKE', () => {
    expect(innodbQuery('helmet +the -ok 3 silva*')).toEqual({ against: '+helmet* +silva*', likeWords: ['the', 'ok', '3'] });
    expect(innodbQuery('ok 3')).toEqual({ against: null, likeWords: ['ok', '3'] });
    expect(innodbQuery('@>(')).toEqual({ against: null, likeWords: [] });
  });

  it('escapes LIKE wildcards', () => {
    expect(likePattern('50%_off!')).toBe('%50!%!_off!!%');
  });
});
