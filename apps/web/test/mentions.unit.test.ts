import { describe, expect, it } from 'vitest';
import { insertMention, matchUsers, mentionedIn, mentionQuery, splitMentions } from '../src/conversation/mentions';

const users = [{ id: '1', name: 'Lee Chen' }, { id: '2', name: 'Dana Reyes' }, { id: '3', name: 'Dana' }, { id: '4', name: 'Priya Natarajan' }];

describe('note @mentions (desk helpers)', () => {
  it('finds the @word being typed before the caret, and only at the start of a word', () => {
    expect(mentionQuery('ask @le', 7)).toEqual({ start: 4, query: 'le' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('ask @Lee Ch', 11)).toEqual({ start: 4, query: 'Lee Ch' });
    expect(mentionQuery('mail me@example', 15)).toBeNull();
    expect(mentionQuery('ask @Lee Chen now', 17)).toBeNull();
  });

  it('offers users whose name or a word of it starts with the query, name prefixes first', () => {
    expect(matchUsers(users, 'le').map((u) => u.name)).toEqual(['Lee Chen']);
    expect(matchUsers(users, 'na').map((u) => u.name)).toEqual(['Priya Natarajan']);
    expect(matchUsers(users, 'dana').map((u) => u.name)).toEqual(['Dana', 'Dana Reyes']);
    expect(matchUsers(users, '', 2)).toHaveLength(2);
  });

  it('replaces the typed query with the full name and puts the caret after it', () => {
    expect(insertMention('ask @le now', 4, 7, 'Lee Chen')).toEqual({ text: 'ask @Lee Chen now', caret: 14 });
  });

  it('knows who a note mentions, in order, by whole names only', () => {
    expect(mentionedIn('@Priya Natarajan and @Lee Chen, see this', users).map((u) => u.id)).toEqual(['4', '1']);
    expect(mentionedIn('@Dana Reyes please', users).map((u) => u.id)).toEqual(['2']); // not "Dana" too
    expect(mentionedIn('@Lee Chenny', users)).toEqual([]);
    expect(mentionedIn('mail lee@Lee Chen', users)).toEqual([]);
  });

  it('splits note text around the mentioned names, longest first', () => {
    expect(splitMentions('hi @Dana Reyes and @Dana!', [users[2]!, users[1]!])).toEqual([
      { text: 'hi ' }, { text: '@Dana Reyes', user: users[1] }, { text: ' and ' }, { text: '@Dana', user: users[2] }, { text: '!' },
    ]);
    expect(splitMentions('no mentions', [])).toEqual([{ text: 'no mentions' }]);
  });
});
