import { describe, expect, it } from 'vitest';
import { compileRegex, regexErrors, repeatedAlternation } from './event-triggers.js';

describe('trigger.regex pattern checks', () => {
  it('accepts ordinary trigger patterns', () => {
    for (const p of ['order\\s*#?(\\d{3,8})', '^(yes|no|maybe)$', '\\b(hi|hello)\\b', '[a-z]+@[a-z]+\\.com', '(ab){2,5}', '(a|b){1,10}', '\\(x|y\\)*', '[(|)]+']) {
      expect(regexErrors(p, 'i'), p).toEqual([]);
    }
  });
  it('refuses nested quantifiers, repeated alternatives, backreferences, long patterns and bad flags', () => {
    expect(regexErrors('(a+)+$')[0]).toMatch(/nested quantifiers/);
    expect(regexErrors('(\\w*)*x')[0]).toMatch(/nested quantifiers/);
    expect(regexErrors('(a|a)*b')[0]).toMatch(/alternatives/);
    expect(regexErrors('(x|xy)+z')[0]).toMatch(/alternatives/);
    expect(regexErrors('((a|b)c){2,}')[0]).toMatch(/alternatives/);
    expect(regexErrors('(a|b){1,50}')[0]).toMatch(/alternatives/);
    expect(regexErrors('(a)\\1')).toEqual(['pattern: backreferences are not allowed']);
    expect(regexErrors('(?<x>a)\\k<x>')).toEqual(['pattern: backreferences are not allowed']);
    expect(regexErrors('a'.repeat(201))).toEqual(['pattern: at most 200 characters']);
    expect(regexErrors('a', 'g')).toEqual(['flags: only i, m, s and u, each once']);
    expect(regexErrors('(')[0]).toMatch(/^pattern: Invalid regular expression/);
    expect(compileRegex('(a|a)*b')).toBeNull();
  });
  it('reads escapes and character classes when looking for repeated alternatives', () => {
    expect(repeatedAlternation('\\(a|b\\)*')).toBe(false);
    expect(repeatedAlternation('[(a|b)]*')).toBe(false);
    expect(repeatedAlternation('(a|b)')).toBe(false);
    expect(repeatedAlternation('(a|b)?')).toBe(false);
    expect(repeatedAlternation('(?:a|b)*')).toBe(true);
  });
});
