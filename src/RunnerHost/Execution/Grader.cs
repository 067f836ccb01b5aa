using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Execution;

/// Everything observed about one run, from the signed frames and from the host's own enforcement.
internal sealed class RunObservation
{
    public List<string>? Collected { get; set; }
    public List<TestResult> Finished { get; } = [];
    public List<(string File, string Message)> CollectErrors { get; } = [];
    public bool Done { get; set; }
    public bool? IntegrityOk { get; set; }
    public List<string> IntegrityChanges { get; } = [];
    public bool ExitSeen { get; set; }
    public bool TimedOut { get; set; }
    public bool OutputLimited { get; set; }
    public int Signal { get; set; }
    public int? ExitCode { get; set; }
    public long MemoryFailCount { get; set; }
    public long OomKills { get; set; }
    public long ForgedResults { get; set; }
    public string OutputText { get; set; } = "";
    public string? SupervisorError { get; set; }
    public long? CpuMs { get; set; }
    public long? PeakMemoryBytes { get; set; }
    public long? OutputBytes { get; set; }
    public bool HostTimedOut { get; set; }
    public bool HostReadLimitExceeded { get; set; }
    public int ForgedFrames { get; set; }
    public string SupervisorStderr { get; set; } = "";

    // Phase 2: the hidden checks.
    public bool ChecksStarted { get; set; }
    public Dictionary<int, List<CheckReport>> CheckReports { get; } = [];
    public bool ChecksDone { get; set; }
    public bool ChecksTimedOut { get; set; }
    public string? ChecksError { get; set; }
    public long ChecksOomKills { get; set; }
    public long? ChecksPeakMemoryBytes { get; set; }
    public int ChecksSignal { get; set; }
    public string? ChecksOutput { get; set; }
}

/// Turns an observation into a verdict. Only positive evidence passes: every expected test (collected in the
/// sandbox before any ran, and found statically on the host) reported exactly once as pass, the harness finished,
/// and the framework was untouched. Anything missing, duplicated or unknown is not a pass.
internal static partial class Grader
{
    public static (RunVerdict Verdict, string? Message, List<TestResult> Tests, List<CompileDiagnostic> Diagnostics) Grade(
        RunObservation o, IReadOnlyCollection<string> staticExpected, Func<string, string> keyOf, int timeoutMs, long memoryBytes = long.MaxValue)
    {
        var tests = OrderedTests(o);
        var diagnostics = new List<CompileDiagnostic>();

        if (o.HostTimedOut || o.TimedOut)
        {
            return (RunVerdict.Timeout, $"the run took longer than {timeoutMs} ms and was stopped", tests, diagnostics);
        }
        if (o.OutputLimited || o.HostReadLimitExceeded)
        {
            return (RunVerdict.OutputLimit, "the code printed more output than allowed and was stopped", tests, diagnostics);
        }
        // The kernel's OOM killer (cgroup limit), V8's heap limit, or the .NET GC heap limit.
        if ((o.Signal == 9 && (o.OomKills > 0 || o.MemoryFailCount > 0)) || o.PeakMemoryBytes > memoryBytes
            || o.OutputText.Contains("JavaScript heap out of memory", StringComparison.Ordinal)
            || o.Finished.Any(t => t.Status != TestStatus.Pass && (t.Message?.StartsWith("System.OutOfMemoryException", StringComparison.Ordinal) ?? false)))
        {
            return (RunVerdict.MemoryLimit, "the code used more memory than allowed and was killed", tests, diagnostics);
        }
        if (!o.ExitSeen)
        {
            return (RunVerdict.InternalError,
                "the sandbox ended without reporting" + (o.SupervisorStderr.Length > 0 ? ": " + Clip(o.SupervisorStderr, 2000) : ""), tests, diagnostics);
        }
        if (o.SupervisorError is not null)
        {
            return (RunVerdict.RuntimeError, o.SupervisorError, tests, diagnostics);
        }
        if (o.ForgedResults > 0)
        {
            return (RunVerdict.RuntimeError, "the code wrote to the test harness's result channel", tests, diagnostics);
        }
        if (o.CollectErrors.Count > 0)
        {
            foreach (var (file, message) in o.CollectErrors)
            {
                if (SyntaxDiagnostic(file, message) is { } d)
                {
                    diagnostics.Add(d);
                }
            }
            var text = string.Join("\n\n", o.CollectErrors.Select(e => e.Message));
            return (diagnostics.Count > 0 ? RunVerdict.CompileError : RunVerdict.RuntimeError, Clip(text, 20000), tests, diagnostics);
        }
        if (o.Collected is null)
        {
            return (RunVerdict.RuntimeError, "the test process ended before collecting the tests" + ExitText(o), tests, diagnostics);
        }

        // Every collected test exactly once; nothing reported that was not collected.
        var expectedCounts = o.Collected.GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var reportedCounts = o.Finished.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var unknown = reportedCounts.Where(kv => !expectedCounts.TryGetValue(kv.Key, out var n) || kv.Value > n).Select(kv => kv.Key).ToList();
        if (unknown.Count > 0)
        {
            return (RunVerdict.RuntimeError, "results were reported for tests that were not collected, or more than once: " + string.Join(", ", unknown.Take(5)), tests, diagnostics);
        }
        var missingStatic = staticExpected.Where(k => !o.Collected.Any(c => keyOf(c) == k)).ToList();
        if (missingStatic.Count > 0)
        {
            return (RunVerdict.RuntimeError, "these tests were not collected: " + string.Join(", ", missingStatic.Take(10)), tests, diagnostics);
        }
        var notRun = expectedCounts.Where(kv => !reportedCounts.TryGetValue(kv.Key, out var n) || n < kv.Value).Select(kv => kv.Key).ToList();
        if (notRun.Count > 0)
        {
            return (RunVerdict.RuntimeError, $"{notRun.Count} test(s) did not run to completion (the test process stopped early{ExitText(o)})", tests, diagnostics);
        }
        if (!o.Done)
        {
            return (RunVerdict.RuntimeError, "the test process did not finish normally" + ExitText(o), tests, diagnostics);
        }
        if (o.IntegrityOk != true)
        {
            return (RunVerdict.RuntimeError, "the code modified the test framework: " + string.Join(", ", o.IntegrityChanges.Take(5)), tests, diagnostics);
        }
        if (o.Collected.Count == 0)
        {
            return (RunVerdict.Failed, "no tests were found", tests, diagnostics);
        }
        return tests.All(t => t.Status == TestStatus.Pass)
            ? (RunVerdict.Passed, null, tests, diagnostics)
            : (RunVerdict.Failed, null, tests, diagnostics);
    }

    /// The verdict with the hidden checks judged: a pass needs the visible tests' pass and every check's. Checks are
    /// judged whatever the visible tests did, so a learner sees which ones fail; limits hit by the checks win.
    public static (RunVerdict Verdict, string? Message, List<CheckOutcome> Outcomes, List<CheckDetail> Details) GradeChecks(
        RunVerdict verdict, string? message, IReadOnlyList<HiddenCheck> checks, RunObservation o, int timeoutMs, long memoryBytes)
    {
        var oom = o.ChecksOomKills > o.OomKills || o.ChecksPeakMemoryBytes > memoryBytes;
        var stopped = !o.ChecksStarted ? "the visible tests did not finish"
            : o.ChecksTimedOut ? "time limit"
            : oom ? "memory limit"
            : o.ChecksError ?? (o.ChecksDone ? "no result" : "the check process ended early");
        var (outcomes, details) = CheckJudge.Judge(checks, o.CheckReports, stopped);
        if (o.ChecksOutput is { Length: > 0 } output)
        {
            details.Add(new CheckDetail(0, TestStatus.Error, "output of the hidden checks' process: " + Clip(output, 8192)));
        }
        if (verdict is not (RunVerdict.Passed or RunVerdict.Failed))
        {
            return (verdict, message, outcomes, details); // a limit, crash or compile error of phase 1 stands
        }
        if (o.ChecksTimedOut)
        {
            return (RunVerdict.Timeout, $"a hidden check took longer than {timeoutMs} ms and was stopped", outcomes, details);
        }
        if (oom)
        {
            return (RunVerdict.MemoryLimit, "a hidden check used more memory than allowed and was killed", outcomes, details);
        }
        var passed = outcomes.Count(c => c.Status == TestStatus.Pass);
        if (passed == outcomes.Count)
        {
            return (verdict, message, outcomes, details);
        }
        return (RunVerdict.Failed, message ?? CheckJudge.Describe(passed, outcomes.Count), outcomes, details);
    }

    /// Reported tests in run order, then every collected test that never reported, as errors.
    private static List<TestResult> OrderedTests(RunObservation o)
    {
        var list = new List<TestResult>(o.Finished);
        if (o.Collected is not null)
        {
            var remaining = o.Finished.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var name in o.Collected)
            {
                if (remaining.TryGetValue(name, out var n) && n > 0)
                {
                    remaining[name] = n - 1;
                    continue;
                }
                list.Add(new TestResult(name, TestStatus.Error, "the test did not run to completion"));
            }
        }
        return list;
    }

    private static string ExitText(RunObservation o) =>
        o.Signal != 0 ? $"; killed by signal {o.Signal}" : o.ExitCode is { } c ? $"; exit code {c}" : "";

    internal static CompileDiagnostic? SyntaxDiagnostic(string file, string message)
    {
        var syntax = SyntaxErrorLine().Match(message);
        if (!syntax.Success)
        {
            return null;
        }
        var py = PythonLocation().Matches(message);
        if (py.Count > 0)
        {
            var m = py[^1];
            return new CompileDiagnostic(m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 1, "error", "SyntaxError", syntax.Groups[1].Value.Trim());
        }
        var js = JsLocation().Match(message);
        if (js.Success)
        {
            return new CompileDiagnostic(js.Groups[1].Value, int.Parse(js.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 1, "error", "SyntaxError", syntax.Groups[1].Value.Trim());
        }
        return new CompileDiagnostic(file, 1, 1, "error", "SyntaxError", syntax.Groups[1].Value.Trim());
    }

    private static string Clip(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    [GeneratedRegex(@"(?:SyntaxError|IndentationError|TabError): ?(.*)")]
    private static partial Regex SyntaxErrorLine();

    [GeneratedRegex(@"File ""/work/([^""/]+)"", line (\d+)")]
    private static partial Regex PythonLocation();

    [GeneratedRegex(@"/work/([\w.-]+):(\d+)")]
    private static partial Regex JsLocation();
}
