import * as assert from 'node:assert/strict';
import {
  denyCheckCandidates,
  matchCommandPattern,
  parseCommandPattern,
  splitCommand,
} from '../../../src/core/policy/commandRules';

describe('commandRules', () => {
  describe('splitCommand', () => {
    it('splits a simple command into one argv with no operators', () => {
      assert.deepEqual(splitCommand('npm run build -- --watch'), {
        subcommands: [['npm', 'run', 'build', '--', '--watch']],
        hasOperators: false,
        parseable: true,
      });
    });

    const operatorCases: Array<[string, string]> = [
      ['semicolon', 'npm test; curl x'],
      ['and', 'npm test && curl x'],
      ['or', 'npm test || curl x'],
      ['pipe', 'npm test | curl x'],
      ['background', 'npm test & curl x'],
      ['redirect out', 'npm test > curl x'],
      ['redirect in', 'npm test < curl x'],
      ['$() substitution', 'npm test $(curl x)'],
      ['backtick substitution', 'npm test `curl x`'],
      ['newline', 'npm test\ncurl x'],
      ['process substitution', 'npm test <(curl x)'],
    ];
    for (const [name, command] of operatorCases) {
      it(`flags ${name} outside quotes as an operator and exposes the second command (checklist 10)`, () => {
        const parsed = splitCommand(command);
        assert.equal(parsed.parseable, true);
        assert.equal(parsed.hasOperators, true);
        assert.ok(
          parsed.subcommands.some((argv) => argv[0] === 'curl'),
          JSON.stringify(parsed.subcommands),
        );
      });
    }

    it('treats operators inside single quotes as literal text (checklist 10)', () => {
      for (const literal of [';', '&&', '||', '|', '>', '<', '$(curl x)', '`curl x`', 'a\nb', '# x']) {
        const parsed = splitCommand(`echo '${literal}'`);
        assert.deepEqual(parsed, { subcommands: [['echo', literal]], hasOperators: false, parseable: true }, literal);
      }
    });

    it('treats control operators inside double quotes as literal, but not substitutions, which still run there', () => {
      for (const literal of [';', '&&', '||', '|', '>', '<', 'a\nb']) {
        const parsed = splitCommand(`echo "${literal}"`);
        assert.deepEqual(parsed, { subcommands: [['echo', literal]], hasOperators: false, parseable: true }, literal);
      }
      const substituted = splitCommand('echo "$(curl x)" "`wget y`"');
      assert.equal(substituted.hasOperators, true);
      assert.deepEqual(substituted.subcommands.slice(0, 2), [
        ['curl', 'x'],
        ['wget', 'y'],
      ]);
    });

    it('marks unbalanced quotes and substitutions as not parseable (checklist 10)', () => {
      for (const command of ["echo 'foo", 'echo "foo', 'echo `foo', 'echo $(foo', "echo $'foo"]) {
        assert.equal(splitCommand(command).parseable, false, command);
      }
    });

    it('does not let a mid-word "#" hide the rest of the line, as shell-quote alone would', () => {
      const parsed = splitCommand('echo a#b; curl x');
      assert.deepEqual(parsed.subcommands, [
        ['echo', 'a#b'],
        ['curl', 'x'],
      ]);
      assert.equal(parsed.hasOperators, true);
    });

    it('treats a word-start comment as an operator, so a commented command is never auto-allowed', () => {
      const parsed = splitCommand('ls # curl x');
      assert.equal(parsed.hasOperators, true);
      assert.deepEqual(parsed.subcommands, [['ls', '#', 'curl', 'x']]);
    });

    it('finds commands nested in backticks inside backticks', () => {
      const parsed = splitCommand('echo `echo \\`curl z\\``');
      assert.ok(
        parsed.subcommands.some((argv) => argv.join(' ') === 'curl z'),
        JSON.stringify(parsed.subcommands),
      );
    });

    it('joins a backslash-newline continuation without flagging an operator', () => {
      assert.deepEqual(splitCommand('ls \\\n -la'), {
        subcommands: [['ls', '-la']],
        hasOperators: false,
        parseable: true,
      });
    });

    it('keeps variables literal so argv does not shift, and reads ANSI-C quotes', () => {
      assert.deepEqual(splitCommand('$CMD x ${Y}').subcommands, [['$CMD', 'x', '$Y']]);
      assert.deepEqual(splitCommand("echo $'a\\'b; c'").subcommands, [['echo', "a'b; c"]]);
    });

    it('flags history expansion', () => {
      assert.equal(splitCommand('echo !!').hasOperators, true);
    });

    it('returns every sub-command of a long chain, with no cap (checklist 11)', () => {
      const parsed = splitCommand(`${'true && '.repeat(60)}curl x`);
      assert.equal(parsed.subcommands.length, 61);
      assert.deepEqual(parsed.subcommands[60], ['curl', 'x']);
    });
  });

  describe('command patterns', () => {
    it('parses leading words and a trailing "*"', () => {
      assert.deepEqual(
        { ...parseCommandPattern('npm run *') },
        { source: 'npm run *', words: ['npm', 'run'], rest: true },
      );
      assert.deepEqual(
        { ...parseCommandPattern('git status') },
        { source: 'git status', words: ['git', 'status'], rest: false },
      );
    });

    it('rejects malformed patterns with an actionable message', () => {
      assert.throws(() => parseCommandPattern('npm * test'), /only allowed as the last word/);
      assert.throws(() => parseCommandPattern('npm test && ls'), /one simple command/);
      assert.throws(() => parseCommandPattern("npm 'test"), /unbalanced quotes/);
      assert.throws(() => parseCommandPattern('   '), /at least one word/);
    });

    it('matches argv by prefix words, "*" matching any remaining words including none', () => {
      const runAny = parseCommandPattern('npm run *');
      assert.equal(matchCommandPattern(runAny, ['npm', 'run', 'build', '--watch']), true);
      assert.equal(matchCommandPattern(runAny, ['npm', 'run']), true);
      assert.equal(matchCommandPattern(runAny, ['npm', 'runx']), false);
      assert.equal(matchCommandPattern(runAny, ['npm']), false);
      const exact = parseCommandPattern('npm test');
      assert.equal(matchCommandPattern(exact, ['npm', 'test']), true);
      assert.equal(matchCommandPattern(exact, ['npm', 'test', '--', 'x']), false);
    });

    it('compares case-insensitively only when asked (used for deny and ask)', () => {
      const curl = parseCommandPattern('curl *');
      assert.equal(matchCommandPattern(curl, ['CURL', 'x']), false);
      assert.equal(matchCommandPattern(curl, ['CURL', 'x'], true), true);
    });
  });

  describe('denyCheckCandidates', () => {
    const has = (argv: string[], expected: string[]): boolean =>
      denyCheckCandidates(argv).candidates.some((candidate) => candidate.join(' ') === expected.join(' '));

    it('sees through assignments, paths and command runners', () => {
      assert.ok(has(['FOO=1', 'curl', 'x'], ['curl', 'x']));
      assert.ok(has(['/usr/bin/curl', 'x'], ['curl', 'x']));
      assert.ok(has(['env', '-i', 'nice', '-n', '5', 'curl', 'x'], ['curl', 'x']));
      assert.ok(has(['xargs', 'wget'], ['wget']));
      assert.ok(has(['find', '.', '-exec', 'curl', '{}', ';'], ['curl', '{}', ';']));
    });

    it('parses code handed to a shell or eval', () => {
      assert.ok(has(['bash', '-lc', 'ls && curl x'], ['curl', 'x']));
      assert.ok(has(['eval', 'curl', 'x'], ['curl', 'x']));
      assert.equal(denyCheckCandidates(['sh', '-c', "echo 'open"]).parseable, false);
    });

    it('does not invent commands for a plain argv', () => {
      assert.deepEqual(denyCheckCandidates(['echo', 'curl']).candidates, [['echo', 'curl']]);
    });
  });
});
