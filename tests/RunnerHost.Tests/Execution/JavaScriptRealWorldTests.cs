using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Course test files as open JavaScript tracks publish them, run unchanged: ES-module test files that import the
/// test API from '@jest/globals' and the solution without an extension, CommonJS test files requiring ES-module
/// solutions and the other way round, tables, async tests, Jest's matchers and its failure messages.
[Collection(DockerCollection.Name)]
public sealed class JavaScriptRealWorldTests(RunnerFixture fx)
{
    private const string LedgerSolution = """
        export class InsufficientFunds extends Error {
          constructor(needed) {
            super(`insufficient funds: ${needed} more needed`);
            this.name = 'InsufficientFunds';
          }
        }

        export const balanceOf = (amounts) => amounts.reduce((sum, amount) => sum + amount, 0);

        export class Ledger {
          constructor() {
            this.entries = [];
          }

          get balance() {
            return balanceOf(this.entries.map((e) => (e.type === 'deposit' ? e.amount : -e.amount)));
          }

          deposit(amount) {
            if (!(amount > 0)) throw new RangeError('amount must be positive');
            this.entries.push({ type: 'deposit', amount });
            return this;
          }

          withdraw(amount) {
            if (!(amount > 0)) throw new RangeError('amount must be positive');
            if (amount > this.balance) throw new InsufficientFunds(amount - this.balance);
            this.entries.push({ type: 'withdrawal', amount });
            return this;
          }

          history() {
            return this.entries.map((e) => ({ ...e }));
          }
        }

        const RATES = { EUR: 1, USD: 1.08 };

        export async function rateOf(code) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (!(code in RATES)) throw new Error(`unknown currency ${code}`);
          return RATES[code];
        }

        export function afterDelay(value, callback) {
          setTimeout(() => callback(value * 2), 5);
        }

        export default Ledger;
        """;

    // Overdraws without complaint, names withdrawals differently, rounds the dollar, says too little on an
    // unknown currency and calls back with the wrong value; everything else is right.
    private static readonly string LedgerWrong = LedgerSolution
        .Replace("    if (amount > this.balance) throw new InsufficientFunds(amount - this.balance);\n", "", StringComparison.Ordinal)
        .Replace("type: 'withdrawal'", "type: 'withdraw'", StringComparison.Ordinal)
        .Replace("USD: 1.08", "USD: 1.1", StringComparison.Ordinal)
        .Replace("`unknown currency ${code}`", "'no rate'", StringComparison.Ordinal)
        .Replace("callback(value * 2)", "callback(value + 2)", StringComparison.Ordinal);

    private const string LedgerSpec = """
        import { describe, expect, test, xtest } from '@jest/globals';
        import Ledger, { InsufficientFunds, balanceOf, rateOf, afterDelay } from './ledger';

        describe('Ledger', () => {
          test('a new ledger is empty', () => {
            const ledger = new Ledger();
            expect(ledger.balance).toBe(0);
            expect(ledger.history()).toEqual([]);
          });

          test('records every entry', () => {
            const ledger = new Ledger().deposit(50).withdraw(20);
            expect(ledger.history()).toEqual([
              { type: 'deposit', amount: 50 },
              { type: 'withdrawal', amount: 20 },
            ]);
            expect(ledger.history()).toContainEqual({ type: 'withdrawal', amount: 20 });
            expect(ledger.history()[0]).toStrictEqual({ type: 'deposit', amount: 50 });
            expect(ledger).toMatchObject({ balance: 30 });
          });

          test.each([
            [[], 0],
            [[10, 20], 30],
            [[5, -8, 1], -2],
          ])('balanceOf(%j) is %i', (amounts, expected) => {
            expect(balanceOf(amounts)).toBe(expected);
          });

          test.each`
            deposit | withdrawal | balance
            ${100}  | ${40}      | ${60}
            ${25}   | ${25}      | ${0}
          `('deposit $deposit then withdraw $withdrawal leaves $balance', ({ deposit, withdrawal, balance }) => {
            expect(new Ledger().deposit(deposit).withdraw(withdrawal).balance).toBe(balance);
          });

          describe('refuses', () => {
            test('to overdraw', () => {
              const ledger = new Ledger().deposit(10);
              expect(() => ledger.withdraw(15)).toThrow(InsufficientFunds);
              expect(() => ledger.withdraw(15)).toThrow('insufficient funds');
              expect(() => ledger.withdraw(15)).toThrow(/5 more needed$/);
              expect(() => ledger.withdraw(5)).not.toThrow();
            });

            test('amounts that are not positive', () => {
              expect(() => new Ledger().deposit(-1)).toThrow(new RangeError('amount must be positive'));
              expect(() => new Ledger().deposit(0)).toThrow(RangeError);
            });
          });

          xtest('keeps a total per currency', () => {
            expect(new Ledger().deposit(1).balance).toBe(1);
          });
        });

        describe.each([
          ['EUR', 1],
          ['USD', 1.08],
        ])('the %s rate', (code, rate) => {
          test('resolves', async () => {
            await expect(rateOf(code)).resolves.toBeCloseTo(rate);
          });

          test('can be awaited', async () => {
            const actual = await rateOf(code);
            expect(actual).toBe(rate);
          });
        });

        describe('asynchronous', () => {
          test('an unknown currency rejects', async () => {
            await expect(rateOf('XYZ')).rejects.toThrow('unknown currency XYZ');
          });

          test('calls back later', (done) => {
            afterDelay(21, (value) => {
              try {
                expect(value).toBe(42);
                done();
              } catch (error) {
                done(error);
              }
            });
          });
        });
        """;

    private static readonly string[] LedgerTests =
    [
        "Ledger > a new ledger is empty",
        "Ledger > records every entry",
        "Ledger > balanceOf([]) is 0",
        "Ledger > balanceOf([10,20]) is 30",
        "Ledger > balanceOf([5,-8,1]) is -2",
        "Ledger > deposit 100 then withdraw 40 leaves 60",
        "Ledger > deposit 25 then withdraw 25 leaves 0",
        "Ledger > refuses > to overdraw",
        "Ledger > refuses > amounts that are not positive",
        "Ledger > keeps a total per currency",
        "the EUR rate > resolves",
        "the EUR rate > can be awaited",
        "the USD rate > resolves",
        "the USD rate > can be awaited",
        "asynchronous > an unknown currency rejects",
        "asynchronous > calls back later",
    ];

    private const string Skipped = "Ledger > keeps a total per currency";

    [Fact]
    public async Task Es_module_spec_importing_jest_globals_and_an_extensionless_solution_passes()
    {
        var (r, _) = await Ledger(LedgerSolution);

        Assert.Equal(LedgerTests, r.Tests.Select(t => t.Name));
        Assert.All(r.Tests.Where(t => t.Name != Skipped), t => Assert.True(t.Status == TestStatus.Pass, $"{t.Name}: {t.Status} {t.Message}"));
        // xtest is reported, as skipped, and a skipped test is not a pass.
        var skipped = r.Tests.Single(t => t.Name == Skipped);
        Assert.Equal(TestStatus.Error, skipped.Status);
        Assert.Equal("skipped", skipped.Message);
        Verdicts.Expect(RunVerdict.Failed, r);
    }

    [Fact]
    public async Task Wrong_solution_fails_exactly_the_tests_it_breaks_with_jest_messages()
    {
        var (r, _) = await Ledger(LedgerWrong);
        Verdicts.Expect(RunVerdict.Failed, r);
        var byName = r.Tests.ToDictionary(t => t.Name);

        string[] broken = ["Ledger > records every entry", "Ledger > refuses > to overdraw", "the USD rate > resolves", "the USD rate > can be awaited",
            "asynchronous > an unknown currency rejects", "asynchronous > calls back later"];
        foreach (var name in LedgerTests.Where(n => n != Skipped))
        {
            var expected = broken.Contains(name) ? TestStatus.Fail : TestStatus.Pass;
            Assert.True(byName[name].Status == expected, $"{name}: expected {expected}, got {byName[name].Status} {byName[name].Message}");
        }

        // A deep-equality failure shows a line diff of the two values.
        var entries = byName["Ledger > records every entry"].Message!;
        Assert.StartsWith("expect(received).toEqual(expected) // deep equality", entries, StringComparison.Ordinal);
        Assert.Contains("- Expected  - 1\n+ Received  + 1", entries, StringComparison.Ordinal);
        Assert.Contains("-     \"type\": \"withdrawal\",\n+     \"type\": \"withdraw\",", entries, StringComparison.Ordinal);
        Assert.Contains("ledger.spec.js:13", entries, StringComparison.Ordinal);

        var overdraw = byName["Ledger > refuses > to overdraw"].Message!;
        Assert.Contains("expect(received).toThrow(expected)", overdraw, StringComparison.Ordinal);
        Assert.Contains("Expected constructor: InsufficientFunds", overdraw, StringComparison.Ordinal);
        Assert.Contains("Received function did not throw", overdraw, StringComparison.Ordinal);

        var resolves = byName["the USD rate > resolves"].Message!;
        Assert.Contains("expect(received).resolves.toBeCloseTo(expected)", resolves, StringComparison.Ordinal);
        Assert.Contains("Expected: 1.08\nReceived: 1.1", resolves, StringComparison.Ordinal);
        Assert.Contains("Expected difference: < 0.005", resolves, StringComparison.Ordinal);

        Assert.Contains("Expected: 1.08\nReceived: 1.1", byName["the USD rate > can be awaited"].Message, StringComparison.Ordinal);

        var rejects = byName["asynchronous > an unknown currency rejects"].Message!;
        Assert.Contains("expect(received).rejects.toThrow(expected)", rejects, StringComparison.Ordinal);
        Assert.Contains("Expected substring: \"unknown currency XYZ\"\nReceived message:   \"no rate\"", rejects, StringComparison.Ordinal);

        // The failure inside a done callback fails the test it belongs to, with the assertion's message.
        Assert.Contains("Expected: 42\nReceived: 23", byName["asynchronous > calls back later"].Message, StringComparison.Ordinal);
    }

    private Task<(RunResult Result, List<RunEvent> Events)> Ledger(string solution) =>
        fx.RunAsync(RunLanguage.JavaScript, new RunFile("ledger.js", solution), new RunFile("ledger.spec.js", LedgerSpec, true));

    private const string TallySolution = """
        export const tally = (text) => {
          const counts = {};
          for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
            counts[word] = (counts[word] ?? 0) + 1;
          }
          return counts;
        };

        export default function longest(text) {
          return text.split(/\s+/).reduce((best, word) => (word.length > best.length ? word : best), '');
        }
        """;

    private const string TallySpec = """
        const { describe, expect, test } = require('@jest/globals');
        const { tally } = require('./word-tally');
        const longest = require('./word-tally').default;

        describe('tally', () => {
          test('counts every occurrence', () => {
            expect(tally('the cat and the hat')).toEqual({ the: 2, cat: 1, and: 1, hat: 1 });
          });

          test('ignores case and punctuation', () => {
            expect(tally('Go, go, GO!')).toStrictEqual({ go: 3 });
          });

          test('an empty text has no words', () => {
            expect(tally('')).toEqual({});
          });

          test.each([
            ['one two three', 'three'],
            ['a bb', 'bb'],
          ])('longest(%p) is %p', (text, word) => {
            expect(longest(text)).toBe(word);
          });
        });
        """;

    [Fact]
    public async Task CommonJs_spec_requiring_an_es_module_solution_passes()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("word-tally.js", TallySolution), new RunFile("word-tally.spec.js", TallySpec, true));

        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Equal(["tally > counts every occurrence", "tally > ignores case and punctuation", "tally > an empty text has no words",
            "tally > longest(\"one two three\") is \"three\"", "tally > longest(\"a bb\") is \"bb\""], r.Tests.Select(t => t.Name));
    }

    [Fact]
    public async Task CommonJs_spec_fails_a_wrong_es_module_solution_on_the_right_test()
    {
        var wrong = TallySolution.Replace("text.toLowerCase().match", "text.match", StringComparison.Ordinal).Replace("[a-z']", "[A-Za-z']", StringComparison.Ordinal);
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("word-tally.js", wrong), new RunFile("word-tally.spec.js", TallySpec, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        var failed = Assert.Single(r.Tests, t => t.Status != TestStatus.Pass);
        Assert.Equal("tally > ignores case and punctuation", failed.Name);
        Assert.Equal(TestStatus.Fail, failed.Status);
        Assert.Contains("expect(received).toStrictEqual(expected) // deep equality", failed.Message, StringComparison.Ordinal);
        Assert.Contains("-   \"go\": 3,\n+   \"GO\": 1,\n+   \"Go\": 1,\n+   \"go\": 1,", failed.Message, StringComparison.Ordinal);
    }

    // Node's own CommonJS export detection sees only `encode` here (the first key whose value is not a name);
    // babel, and so Jest, import any of them.
    private const string CipherSolution = """
        const shift = (text, by) => text.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + by + 26) % 26) + 97));

        module.exports = {
          encode: (text, key) => shift(text, key),
          decode: (text, key) => shift(text, -key),
        };
        """;

    private const string CipherSpec = """
        import { describe, expect, test } from '@jest/globals';
        import { encode, decode } from './cipher';

        describe('cipher', () => {
          test('encodes', () => {
            expect(encode('abc', 1)).toBe('bcd');
          });

          test('decodes', () => {
            expect(decode('bcd', 1)).toBe('abc');
          });

          test('round trip', () => {
            expect(decode(encode('hello', 7), 7)).toBe('hello');
          });
        });
        """;

    [Fact]
    public async Task Es_module_spec_importing_names_of_a_CommonJs_solution_passes()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("cipher.js", CipherSolution), new RunFile("cipher.spec.js", CipherSpec, true));

        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Equal(3, r.Tests.Count);
    }

    [Fact]
    public async Task A_name_the_CommonJs_solution_lacks_fails_the_tests_that_use_it_not_the_file()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("cipher.js", "module.exports = { encode: (text) => text };\n"),
            new RunFile("cipher.spec.js", CipherSpec, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        var byName = r.Tests.ToDictionary(t => t.Name, t => t);
        Assert.Equal(TestStatus.Fail, byName["cipher > encodes"].Status);
        Assert.Contains("Expected: \"bcd\"\nReceived: \"abc\"", byName["cipher > encodes"].Message, StringComparison.Ordinal);
        Assert.Equal(TestStatus.Fail, byName["cipher > decodes"].Status);
        Assert.Contains("decode is not a function", byName["cipher > decodes"].Message, StringComparison.Ordinal);
    }

    private const string NotifierSolution = """
        export class Notifier {
          constructor(send) {
            this.send = send;
          }

          schedule(message, delayMs) {
            setTimeout(() => this.send({ message, at: Date.now() }), delayMs);
          }
        }
        """;

    private const string NotifierSpec = """
        import { describe, expect, jest, test } from '@jest/globals';
        import { Notifier } from './notifier';

        describe('Notifier', () => {
          test('sends once the delay is over', () => {
            jest.useFakeTimers();
            const send = jest.fn();
            new Notifier(send).schedule('hi', 1000);
            jest.advanceTimersByTime(999);
            expect(send).not.toHaveBeenCalled();
            jest.advanceTimersByTime(1);
            expect(send).toHaveBeenCalledTimes(1);
            expect(send).toHaveBeenCalledWith(expect.objectContaining({ message: 'hi', at: expect.any(Number) }));
            jest.useRealTimers();
          });

          test('sends through its sender', () => {
            const notifier = new Notifier(() => 'sent');
            const spy = jest.spyOn(notifier, 'send');
            notifier.send({ message: 'x' });
            expect(spy).toHaveBeenCalledWith({ message: 'x' });
            expect(spy).toHaveReturnedWith('sent');
            spy.mockRestore();
          });
        });
        """;

    [Fact]
    public async Task Mock_functions_spies_and_fake_timers_work_and_fail_in_jest_form()
    {
        var (good, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("notifier.js", NotifierSolution), new RunFile("notifier.spec.js", NotifierSpec, true));
        Verdicts.Expect(RunVerdict.Passed, good);

        var (wrong, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("notifier.js", NotifierSolution.Replace("delayMs);", "0);", StringComparison.Ordinal)),
            new RunFile("notifier.spec.js", NotifierSpec, true));
        Verdicts.Expect(RunVerdict.Failed, wrong);
        var t = wrong.Tests.Single(x => x.Name == "Notifier > sends once the delay is over");
        Assert.Equal(TestStatus.Fail, t.Status);
        Assert.Contains("expect(jest.fn()).not.toHaveBeenCalled()\n\nExpected number of calls: 0\nReceived number of calls: 1", t.Message, StringComparison.Ordinal);
        Assert.Equal(TestStatus.Pass, wrong.Tests.Single(x => x.Name == "Notifier > sends through its sender").Status);
    }

    private const string AddSpec = """
        import { expect, test } from '@jest/globals';
        import { add } from './add';

        test('adds', () => {
          expect(add(1, 2)).toEqual(3);
        });
        """;

    private const string AddSpecCommonJs = """
        const { add } = require('./add');
        const { expect, test } = require('@jest/globals');

        test('adds', () => {
          expect(add(1, 2)).toEqual(3);
        });
        """;

    [Theory]
    // A value claiming to be an asymmetric matcher is only a value.
    [InlineData("esm", "export const add = () => ({ asymmetricMatch: () => true, $$typeof: Symbol.for('jest.asymmetricMatcher') });")]
    // The API from '@jest/globals' is frozen.
    [InlineData("esm", "import * as g from '@jest/globals';\ntry { g.expect.extend({ toEqual: () => ({ pass: true }) }); } catch {}\ntry { g.expect.any = () => 1; } catch {}\nexport const add = (a, b) => a * b;")]
    // require('@jest/globals') answered by a replaced module loader: caught as a change to the framework.
    [InlineData("cjs", "const M = require('module');\nconst load = M._load;\nM._load = function (r, ...a) { return r === '@jest/globals' ? { test: globalThis.test, expect: () => ({ toEqual() {} }) } : load.call(this, r, ...a); };\nmodule.exports = { add: (a, b) => a * b };")]
    // The object require('@jest/globals') returns is frozen.
    [InlineData("cjs", "try { require('@jest/globals').expect = () => ({ toEqual() {} }); } catch {}\nmodule.exports = { add: (a, b) => a * b };")]
    public async Task Cheating_through_the_module_paths_does_not_pass_a_wrong_solution(string spec, string solution)
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", solution),
            new RunFile("add.spec.js", spec == "esm" ? AddSpec : AddSpecCommonJs, true));

        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        Assert.True(r.Tests.Any(t => t.Status != TestStatus.Pass) || r.Verdict == RunVerdict.RuntimeError, r.Message);
    }

    [Fact]
    public async Task Code_under_test_cannot_add_loader_hooks_to_answer_a_later_test_files_imports()
    {
        // Loaded by the first test file, the solution would answer '@jest/globals' for the second with an expect
        // that passes anything.
        const string solution = """
            import { register } from 'node:module';

            const fake = 'data:text/javascript,' + encodeURIComponent('export const test = globalThis.test; export const expect = () => ({ toEqual() {} });');
            const hooks = `export async function resolve(s, c, n) { return s === '@jest/globals' ? { url: ${JSON.stringify(fake)}, shortCircuit: true } : n(s, c); }`;
            try { register('data:text/javascript,' + encodeURIComponent(hooks)); } catch {}

            export const add = (a, b) => a * b;
            """;
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", solution),
            new RunFile("a.spec.js", "import { add } from './add';\ntest('exists', () => expect(typeof add).toBe('function'));\n", true),
            new RunFile("b.spec.js", AddSpec, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        Assert.Equal(TestStatus.Fail, r.Tests.Single(t => t.Name == "adds").Status);
    }
}
