using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Hidden checks judged on the host, in real sandboxes: the reference passes; wrong code does not, whatever it does
/// to the sandbox; and nothing of a check's arguments, expected values or output reaches what a learner sees.
[Collection(DockerCollection.Name)]
public sealed class HiddenCheckTests(RunnerFixture fx)
{
    // Distinctive values: if they show up in anything a learner sees, a hidden check leaked.
    private const int SecretA = 424242, SecretB = 171717, SecretSum = SecretA + SecretB;

    internal static readonly HiddenCheck[] Checks =
    [
        new("solution.add", Json(SecretA, SecretB), Expected: JsonSerializer.SerializeToElement(SecretSum), Description: "adds large numbers"),
        new("solution.add", Json(-1, 1), Expected: JsonSerializer.SerializeToElement(0), Description: "adds a negative number"),
        new("solution.add", Json(0.1, 0.2), Expected: JsonSerializer.SerializeToElement(0.3), Compare: CheckComparison.Tolerance, Tolerance: 1e-9),
        new("solution.add", [JsonSerializer.SerializeToElement("a"), JsonSerializer.SerializeToElement(1)], ExpectedError: "TypeError", Description: "refuses text"),
    ];

    private const string PythonReference = "def add(a, b):\n    if isinstance(a, str) or isinstance(b, str):\n        raise TypeError('numbers only')\n    return a + b\n";
    private const string PythonVisible = "from solution import add\n\ndef test_small():\n    assert add(1, 2) == 3\n";

    // Passes the visible test (1 + 2) and nothing more.
    private const string PythonWrong = "def add(a, b):\n    return 3\n";

    private const string JsReference = "function add(a, b) {\n  if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError('numbers only');\n  return a + b;\n}\nmodule.exports = { add };\n";
    private const string JsVisible = "const { add } = require('./solution');\ntest('small', () => { expect(add(1, 2)).toBe(3); });\n";
    private const string JsWrong = "function add(a, b) { return 3; }\nmodule.exports = { add };\n";

    private static List<JsonElement> Json(params object[] values) => [.. values.Select(v => JsonSerializer.SerializeToElement(v))];

    private Task<(RunCompleted Completed, List<RunEvent> Events)> Python(string solution, string visible = PythonVisible) =>
        fx.RunWithChecksAsync(RunLanguage.Python, Checks, new RunFile("solution.py", solution), new RunFile("test_solution.py", visible, true));

    private Task<(RunCompleted Completed, List<RunEvent> Events)> JavaScript(string solution, string visible = JsVisible) =>
        fx.RunWithChecksAsync(RunLanguage.JavaScript, Checks, new RunFile("solution.js", solution), new RunFile("solution.test.js", visible, true));

    /// Everything a learner can see of a run: its events (the finished one carries the result) and the result.
    internal static void AssertNothingLeaked((RunCompleted Completed, List<RunEvent> Events) run)
    {
        var seen = JsonSerializer.Serialize(run.Completed.Result, RunJson.Options)
            + string.Concat(run.Events.Select(e => JsonSerializer.Serialize(e, RunJson.Options)));
        foreach (var secret in new[] { SecretA, SecretB, SecretSum })
        {
            Assert.DoesNotContain(secret.ToString(System.Globalization.CultureInfo.InvariantCulture), seen, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("solution.add", seen, StringComparison.Ordinal);
    }

    private static void AssertNotPassed((RunCompleted Completed, List<RunEvent> Events) run)
    {
        Assert.NotEqual(RunVerdict.Passed, run.Completed.Result.Verdict);
        Assert.True(run.Completed.Result.Graded);
        AssertNothingLeaked(run);
    }

    [Fact]
    public async Task Python_reference_passes_every_check_judged_on_the_host()
    {
        var run = await Python(PythonReference);

        Verdicts.Expect(RunVerdict.Passed, run.Completed.Result);
        Assert.True(run.Completed.Result.Graded);
        Assert.All(run.Completed.Result.Checks!, c => Assert.Equal(TestStatus.Pass, c.Status));
        Assert.Equal([1, 2, 3, 4], run.Events.OfType<CheckFinished>().Select(e => e.Check.Number));
        Assert.Equal("adds large numbers", run.Completed.Result.Checks![0].Description);
        AssertNothingLeaked(run);
    }

    [Fact]
    public async Task Python_wrong_code_fails_the_checks_and_instructors_see_why()
    {
        var run = await Python(PythonWrong);

        Verdicts.Expect(RunVerdict.Failed, run.Completed.Result);
        Assert.Equal(TestStatus.Pass, Assert.Single(run.Completed.Result.Tests).Status); // the visible test passes
        Assert.Equal("4 of 4 hidden checks did not pass", run.Completed.Result.Message);
        var detail = run.Completed.CheckDetails![0];
        Assert.Equal($"expected {SecretSum}, got 3", detail.Reason);
        Assert.Equal("expected an error TypeError, got 3", run.Completed.CheckDetails[3].Reason);
        AssertNothingLeaked(run);
    }

    [Theory]
    // An object whose == always holds: it cannot be serialized, so it is no value at all.
    [InlineData("always_equal", "class Eq:\n    def __eq__(self, other): return True\n    def __hash__(self): return 0\n\ndef add(a, b):\n    return 3 if (a, b) == (1, 2) else Eq()\n")]
    // Patching the serializer, builtins and the comparison machinery of the process the calls run in.
    [InlineData("patch_json_and_builtins", "import json, builtins\njson.dumps = lambda *a, **k: '{\"type\": \"check_result\", \"index\": 0, \"value\": 0}'\nbuiltins.isinstance = lambda *a: True\nbuiltins.type = lambda *a: int\ndef add(a, b):\n    return 3\n")]
    // Writing forged report lines to every descriptor, before and during the checks.
    [InlineData("forge_every_fd", "import os, json\n\ndef _forge():\n    for fd in range(0, 256):\n        for i in range(8):\n            try:\n                os.write(fd, (json.dumps({'type': 'check_result', 'index': i, 'value': 0}) + '\\n').encode())\n            except OSError:\n                pass\n_forge()\n\ndef add(a, b):\n    _forge()\n    return 3\n")]
    // Output that looks like the supervisor's signed frames, and exiting with success half-way.
    [InlineData("fake_frames_and_exit", "import os, sys\n\ndef add(a, b):\n    if (a, b) == (1, 2):\n        return 3\n    print('0' * 64 + ' {\"type\":\"check_result\",\"index\":0,\"value\":0,\"seq\":9}')\n    sys.stdout.flush()\n    os._exit(0)\n")]
    // A process left over from the visible tests that tries to talk to or take over the checks.
    [InlineData("straggler", "import os, time\n\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(0.5)\n        for pid in os.listdir('/proc'):\n            try:\n                os.kill(int(pid), 9)\n            except Exception:\n                pass\n        os._exit(0)\n    os._exit(0)\n\ndef add(a, b):\n    return 3\n")]
    // Killing the supervisor and raising SystemExit from inside a call.
    [InlineData("signals", "import os, signal\n\ndef add(a, b):\n    if (a, b) == (1, 2):\n        return 3\n    try:\n        os.kill(1, signal.SIGKILL)\n    except Exception:\n        pass\n    raise SystemExit(0)\n")]
    // Threads that outlive the call and finalizers that run after it.
    [InlineData("threads_and_finalizers", "import threading, os\n\nclass F:\n    def __del__(self):\n        os.write(1, b'{\"type\":\"checks_done\"}\\n')\n\ndef add(a, b):\n    F()\n    threading.Thread(target=lambda: [os.write(fd, b'x\\n') for fd in range(3, 64) if not os.path.exists('/nope')], daemon=True).start()\n    return 3\n")]
    // The visible tests' framework patched so that every visible test passes: hidden checks are not judged by it.
    [InlineData("patch_pytest", "import _pytest.python\n_pytest.python.pytest_pyfunc_call = lambda pyfuncitem: True\n\ndef add(a, b):\n    return 0\n")]
    public async Task Python_cheats_are_not_passed(string kind, string solution)
    {
        var run = await Python(solution);

        Assert.True(run.Completed.Result.Verdict != RunVerdict.Passed, $"{kind}: {run.Completed.Result.Verdict}");
        AssertNotPassed(run);
    }

    [Fact]
    public async Task Python_code_that_reads_everything_it_can_finds_no_hidden_check_and_its_calls_print_nothing_a_learner_sees()
    {
        // Prints the work dir, /tmp, the sandbox's own files and the environment while the visible tests run, and
        // prints and raises with its arguments while the checks run.
        const string snoop = """
            import os, sys

            def _dump():
                for root in ('/work', '/tmp', '/opt/sandbox'):
                    for dirpath, _, files in os.walk(root):
                        for f in files:
                            try:
                                print(dirpath, f, open(os.path.join(dirpath, f), errors='replace').read()[:200])
                            except Exception as e:
                                print(dirpath, f, e)
                print(dict(os.environ))
            _dump()

            def add(a, b):
                print('ARGS', a, b, file=sys.stderr)
                if (a, b) == (1, 2):
                    return 3
                raise ValueError('args were %r %r' % (a, b))
            """;

        var run = await Python(snoop);

        AssertNotPassed(run);
        Assert.Contains("test_solution.py", run.Completed.Result.Output, StringComparison.Ordinal); // it did look
        // The instructors' details keep what the calls did.
        Assert.True(run.Completed.CheckDetails!.Any(d => d.Error is { } e && e.Contains($"args were {SecretA} {SecretB}", StringComparison.Ordinal)),
            JsonSerializer.Serialize(run.Completed.CheckDetails));
    }

    [Fact]
    public async Task JavaScript_reference_passes_and_wrong_code_fails()
    {
        var good = await JavaScript(JsReference);
        var wrong = await JavaScript(JsWrong);

        Verdicts.Expect(RunVerdict.Passed, good.Completed.Result);
        Assert.All(good.Completed.Result.Checks!, c => Assert.Equal(TestStatus.Pass, c.Status));
        AssertNothingLeaked(good);
        Verdicts.Expect(RunVerdict.Failed, wrong.Completed.Result);
        AssertNotPassed(wrong);
    }

    [Theory]
    // Changing how values serialize through prototype-level hooks.
    [InlineData("toJSON_hook", "Object.prototype.toJSON = function () { return 0; };\nNumber.prototype.toJSON = function () { return 0; };\nconst s = JSON.stringify;\nJSON.stringify = () => '{\"type\":\"check_result\",\"index\":0,\"value\":0}';\nfunction add(a, b) { return 3; }\nmodule.exports = { add };\n")]
    // Objects that pretend to be numbers, and a Proxy.
    [InlineData("fake_values", "function add(a, b) {\n  if (a === 1 && b === 2) return 3;\n  return { valueOf() { return a + b; }, toJSON() { return a + b; } };\n}\nmodule.exports = { add };\n")]
    [InlineData("proxy", "function add(a, b) {\n  if (a === 1 && b === 2) return 3;\n  return new Proxy({}, { get: () => 0 });\n}\nmodule.exports = { add };\n")]
    // Forged report lines on every descriptor, and leaving early with success.
    [InlineData("forge_and_exit", "const fs = require('fs');\nfunction add(a, b) {\n  if (a === 1 && b === 2) return 3;\n  for (let fd = 0; fd < 64; fd++) { for (let i = 0; i < 8; i++) { try { fs.writeSync(fd, JSON.stringify({ type: 'check_result', index: i, value: 0 }) + '\\n'); } catch {} } }\n  process.reallyExit ? process.reallyExit(0) : process.exit(0);\n}\nmodule.exports = { add };\n")]
    // A promise that never settles, and a timer that writes later.
    [InlineData("never_settles", "function add(a, b) {\n  if (a === 1 && b === 2) return 3;\n  setTimeout(() => require('fs').writeSync(3, '{\"type\":\"checks_done\"}\\n'), 10);\n  return new Promise(() => {});\n}\nmodule.exports = { add };\n")]
    public async Task JavaScript_cheats_are_not_passed(string kind, string solution)
    {
        var run = await JavaScript(solution);

        Assert.True(run.Completed.Result.Verdict != RunVerdict.Passed, $"{kind}: {run.Completed.Result.Verdict}");
        AssertNotPassed(run);
    }

    private static readonly HiddenCheck[] CSharpChecks =
    [
        new("Calc.Add", Json(SecretA, SecretB), Expected: JsonSerializer.SerializeToElement(SecretSum), Description: "adds large numbers"),
        new("Calc.Add", Json(-1, 1), Expected: JsonSerializer.SerializeToElement(0), Description: "adds a negative number"),
        new("Calc.Add", Json(int.MaxValue, 1), ExpectedError: "OverflowException", Description: "reports an overflow"),
    ];

    private const string CSharpReference = "public static class Calc\n{\n    public static int Add(int a, int b) => checked(a + b);\n}\n";
    private const string CSharpVisible = "public class CalcTests\n{\n    [Fact]\n    public void Small() => Assert.Equal(3, Calc.Add(1, 2));\n}\n";

    private Task<(RunCompleted Completed, List<RunEvent> Events)> CSharp(string solution) =>
        fx.RunWithChecksAsync(RunLanguage.CSharp, CSharpChecks, new RunFile("Calc.cs", solution), new RunFile("CalcTests.cs", CSharpVisible, true));

    [Fact]
    public async Task CSharp_reference_passes_and_wrong_code_fails()
    {
        var good = await CSharp(CSharpReference);
        var wrong = await CSharp("public static class Calc\n{\n    public static int Add(int a, int b) => 3;\n}\n");

        Verdicts.Expect(RunVerdict.Passed, good.Completed.Result);
        Assert.All(good.Completed.Result.Checks!, c => Assert.Equal(TestStatus.Pass, c.Status));
        AssertNothingLeaked(good);
        Verdicts.Expect(RunVerdict.Failed, wrong.Completed.Result);
        AssertNotPassed(wrong);
    }

    [Theory]
    // Reading the harness's report secret by reflection and writing a complete report of its own.
    [InlineData("reflection_forgery", """
        using System.Reflection;
        public static class Calc
        {
            public static int Add(int a, int b)
            {
                var entry = Assembly.GetEntryAssembly()!;
                string nonce = "";
                foreach (var t in entry.GetTypes())
                    foreach (var f in t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
                        if (f.FieldType == typeof(string) && f.GetValue(null) is string s && s.Length == 32) nonce = s;
                using var fd3 = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(3, false), FileAccess.Write);
                for (var i = 0; i < 8; i++)
                {
                    var line = System.Text.Encoding.UTF8.GetBytes(nonce + " {\"type\":\"check_result\",\"index\":" + i + ",\"value\":3}\n");
                    fd3.Write(line);
                }
                fd3.Write(System.Text.Encoding.UTF8.GetBytes(nonce + " {\"type\":\"checks_done\"}\n"));
                return 3;
            }
        }
        """)]
    // A type that shadows the test framework's Assert, so the visible test cannot fail.
    [InlineData("shadow_assert", """
        public static class Assert
        {
            public static void Equal<T>(T expected, T actual) { }
        }
        public static class Calc
        {
            public static int Add(int a, int b) => 3;
        }
        """)]
    // Leaving with success half-way, and a thread that outlives the call.
    [InlineData("exit_and_threads", """
        public static class Calc
        {
            public static int Add(int a, int b)
            {
                if (a == 1 && b == 2) return 3;
                new Thread(() => { while (true) Console.WriteLine("{\"type\":\"check_result\",\"index\":0,\"value\":0}"); }) { IsBackground = false }.Start();
                Environment.Exit(0);
                return 0;
            }
        }
        """)]
    // A static constructor and a finalizer that write report-like lines to every descriptor.
    [InlineData("static_ctor_and_finalizer", """
        public static class Calc
        {
            static Calc() { Forge(); }
            private sealed class F { ~F() { Forge(); } }
            private static void Forge()
            {
                for (var fd = 0; fd < 64; fd++)
                {
                    try
                    {
                        using var s = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, false), FileAccess.Write);
                        s.Write(System.Text.Encoding.UTF8.GetBytes("{\"type\":\"check_result\",\"index\":0,\"value\":0}\n"));
                    }
                    catch { }
                }
            }
            public static int Add(int a, int b) { _ = new F(); GC.Collect(); GC.WaitForPendingFinalizers(); return 3; }
        }
        """)]
    public async Task CSharp_cheats_are_not_passed(string kind, string solution)
    {
        var run = await CSharp(solution);

        Assert.True(run.Completed.Result.Verdict != RunVerdict.Passed, $"{kind}: {run.Completed.Result.Verdict}");
        AssertNotPassed(run);
    }

    [Fact]
    public async Task The_exercises_own_limits_apply_below_the_runners()
    {
        var slow = new RunRequest(Guid.NewGuid().ToString("N"), "user-limits", RunLanguage.Python,
            [new RunFile("solution.py", "import time\n\ndef add(a, b):\n    time.sleep(2)\n    return a + b\n"), new RunFile("test_solution.py", PythonVisible, true)],
            DateTimeOffset.UtcNow, Checks: Checks, Limits: new RunLimits(TimeMs: 1000));
        var hungry = new RunRequest(Guid.NewGuid().ToString("N"), "user-limits", RunLanguage.Python,
            [new RunFile("solution.py", "blob = bytearray(96 * 1024 * 1024)\n\ndef add(a, b):\n    return a + b\n"), new RunFile("test_solution.py", PythonVisible, true)],
            DateTimeOffset.UtcNow, Checks: Checks, Limits: new RunLimits(MemoryMb: 48));

        var (timedOut, _) = await RunnerFixture.RunAsync(fx.Executor, slow);
        var (overMemory, _) = await RunnerFixture.RunAsync(fx.Executor, hungry);

        Verdicts.Expect(RunVerdict.Timeout, timedOut.Result);
        Assert.Contains("1000 ms", timedOut.Result.Message, StringComparison.Ordinal);
        Verdicts.Expect(RunVerdict.MemoryLimit, overMemory.Result);
    }
}
