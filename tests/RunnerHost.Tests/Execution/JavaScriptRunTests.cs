using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

[Collection(DockerCollection.Name)]
public sealed class JavaScriptRunTests(RunnerFixture fx)
{
    private const string CommonJsSolution = "function add(a, b) { return a + b; }\nmodule.exports = { add };\n";
    private const string EsmSolution = "export function add(a, b) { return a + b; }\nexport default add;\n";

    private const string CommonJsTests = """
        const { add } = require('./add');

        describe('add', () => {
          test('small numbers', () => {
            console.log('adding');
            expect(add(1, 2)).toBe(3);
          });
          it('is symmetric', () => {
            expect(add(2, 5)).toEqual(add(5, 2));
            expect({ sum: add(1, 1), parts: [1, 1] }).toEqual({ sum: 2, parts: [1, 1] });
          });
          test.each([[1, 1, 2], [2, 3, 5]])('add(%i, %i) = %i', (a, b, c) => {
            expect(add(a, b)).toBe(c);
          });
          test('throws on purpose', () => {
            expect(() => { throw new TypeError('bad'); }).toThrow(TypeError);
            expect(() => add(1, 1)).not.toThrow();
          });
          test('async', async () => {
            await expect(Promise.resolve(add(1, 1))).resolves.toBe(2);
          });
        });
        """;

    private const string EsmTests = """
        import add, { add as plus } from './add.js';

        describe('esm', () => {
          test('default and named', () => {
            expect(add(2, 2)).toBe(4);
            expect(plus(2, 2)).toBeGreaterThan(3);
            expect([1, 2, 3]).toContain(2);
            expect('hello').toMatch(/ell/);
            expect(0.1 + 0.2).toBeCloseTo(0.3);
          });
        });
        """;

    [Fact]
    public async Task CommonJs_solution_passes_with_one_event_per_test()
    {
        var (r, events) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", CommonJsSolution), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Equal(["add > small numbers", "add > is symmetric", "add > add(1, 1) = 2", "add > add(2, 3) = 5", "add > throws on purpose", "add > async"],
            r.Tests.Select(t => t.Name));
        Assert.Equal("adding\n", r.Tests[0].Output);
        Assert.Equal(6, events.OfType<TestFinished>().Count());
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Fact]
    public async Task Es_module_solution_and_tests_pass()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", EsmSolution), new RunFile("add.test.js", EsmTests, true));
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Fact]
    public async Task Es_module_tests_of_a_CommonJs_solution_pass()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", CommonJsSolution),
            new RunFile("add.test.js", "import { add } from './add.js';\ntest('mixed', () => expect(add(1, 2)).toBe(3));\n", true));
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Fact]
    public async Task Failing_solution_is_failed_with_a_jest_style_message()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "module.exports = { add: (a, b) => a * b };\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.Failed, r);
        var t = r.Tests.Single(x => x.Name == "add > small numbers");
        Assert.Equal(TestStatus.Fail, t.Status);
        Assert.Contains("Expected: 3", t.Message);
        Assert.Contains("Received: 2", t.Message);
    }

    [Fact]
    public async Task Syntax_error_is_a_compile_error()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "function add(a, b) {\n  return a +;\n}\nmodule.exports = { add };\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.CompileError, r);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("add.js", d.File);
        Assert.Equal(2, d.Line);
    }

    [Fact]
    public async Task Infinite_loop_is_timeout()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "module.exports = { add: () => { for (;;) {} } };\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.Timeout, r);
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Fact]
    public async Task Process_exit_zero_is_not_a_pass()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "module.exports = { add: () => process.exit(0) };\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.RuntimeError, r);
    }

    [Fact]
    public async Task Memory_bomb_is_memory_limit()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "module.exports = { add: () => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); } };\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.MemoryLimit, r);
    }

    [Fact]
    public async Task Output_flood_is_output_limit()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", "for (;;) process.stdout.write('x'.repeat(10000));\n"), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.OutputLimit, r);
    }

    [Fact]
    public async Task Process_bomb_is_stopped_and_the_next_run_passes()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript,
            new RunFile("add.js", "const { spawn } = require('node:child_process');\nmodule.exports = { add: () => { for (;;) { try { spawn('sleep', ['1000']); } catch {} } } };\n"),
            new RunFile("add.test.js", CommonJsTests, true));
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        Assert.Empty(await fx.RunContainersAsync());
        var (next, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", CommonJsSolution), new RunFile("add.test.js", CommonJsTests, true));
        Verdicts.Expect(RunVerdict.Passed, next);
    }

    [Fact]
    public async Task Network_and_child_processes_are_contained()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", CommonJsSolution), new RunFile("add.test.js", """
            const net = require('node:net');
            const { spawn } = require('node:child_process');
            test('no network', async () => {
              const err = await new Promise((resolve) => {
                const s = net.connect({ host: '1.1.1.1', port: 53 });
                s.on('connect', () => resolve(null));
                s.on('error', (e) => resolve(e));
              });
              expect(err).not.toBeNull();
            });
            test('a detached child does not outlive the run', () => {
              const c = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
              c.unref();
              expect(c.pid).toBeGreaterThan(0);
            });
            """, true));
        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Theory]
    [InlineData("globalThis.expect = () => ({ toBe() {}, toEqual() {}, not: { toThrow() {} } });")]
    [InlineData("Object.is = () => true;")]
    [InlineData("require('fs').writeSync(3, JSON.stringify({ type: 'test_finished', name: 'add > small numbers', status: 'pass' }) + '\\n');")]
    [InlineData("const e = require('/opt/sandbox/expect.js'); try { e.expect.extend({ toBe: () => ({ pass: true }) }); } catch {}")]
    [InlineData("process.on('exit', () => { require('fs').writeSync(3, JSON.stringify({ type: 'done', exitCode: 0 }) + '\\n'); }); setImmediate(() => process.exit(0));")]
    public async Task Patching_the_test_api_does_not_pass_a_wrong_solution(string patch)
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", patch + "\nmodule.exports = { add: (a, b) => a * b };\n"),
            new RunFile("add.test.js", CommonJsTests, true));
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        // Either the patch had no effect (a test fails) or it was caught (the framework was modified / tests unrun).
        Assert.True(r.Tests.Any(t => t.Status != TestStatus.Pass) || r.Verdict == RunVerdict.RuntimeError, r.Message);
    }

    [Fact]
    public async Task Skipped_and_todo_tests_are_not_a_pass()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.JavaScript, new RunFile("add.js", CommonJsSolution),
            new RunFile("add.test.js", "test('a', () => {});\ntest.skip('b', () => { throw new Error('x'); });\ntest.todo('c');\n", true));
        Verdicts.Expect(RunVerdict.Failed, r);
    }
}
