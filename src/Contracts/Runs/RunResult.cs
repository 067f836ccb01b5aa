using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Runs;

/// <summary>The runner's judgement of a run. Anything but <see cref="Passed"/> means the exercise is not solved.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunVerdict>))]
public enum RunVerdict
{
    /// <summary>Every expected test ran and passed, and every hidden check passed. Wire value <c>passed</c>.</summary>
    [JsonStringEnumMemberName("passed")] Passed,

    /// <summary>All tests ran; at least one failed (or there were none). Wire value <c>failed</c>.</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>The code did not compile (C#) or could not be parsed (Python/JS syntax errors). See diagnostics.</summary>
    [JsonStringEnumMemberName("compile_error")] CompileError,

    /// <summary>The run exceeded its wall-clock limit.</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,

    /// <summary>The run was killed for exceeding its memory limit.</summary>
    [JsonStringEnumMemberName("memory_limit")] MemoryLimit,

    /// <summary>The run printed more than its output limit.</summary>
    [JsonStringEnumMemberName("output_limit")] OutputLimit,

    /// <summary>The test process crashed, exited early, left tests unrun or tampered with the test framework.</summary>
    [JsonStringEnumMemberName("runtime_error")] RuntimeError,

    /// <summary>Refused before running: invalid request, queue full, or the user's concurrent-run limit.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected,

    /// <summary>The runner failed (Docker unavailable, image missing...). Not the learner's fault; may be retried.</summary>
    [JsonStringEnumMemberName("internal_error")] InternalError,
}

/// <summary>Exercism results.json status, for the whole run and for each test.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TestStatus>))]
public enum TestStatus
{
    /// <summary><c>pass</c></summary>
    [JsonStringEnumMemberName("pass")] Pass,

    /// <summary><c>fail</c></summary>
    [JsonStringEnumMemberName("fail")] Fail,

    /// <summary><c>error</c> (did not run to a verdict: crashed, skipped, never ran).</summary>
    [JsonStringEnumMemberName("error")] Error,
}

/// <summary>One test's outcome, as in Exercism results.json version 3.</summary>
/// <param name="Name">Test name as the framework reports it (pytest: <c>test_x[1-2]</c> or <c>TestCls::test_x</c>;
/// Jest: <c>describe &gt; test</c>; xunit: <c>Class.Method(a: 1)</c>).</param>
/// <param name="Status">pass, fail or error.</param>
/// <param name="Message">Failure or error message; null when passed.</param>
/// <param name="Output">What the test printed, at most 500 characters.</param>
/// <param name="TestCode">Source of the test body, where the language harness can tell.</param>
/// <param name="TaskId">Exercism task number, where the test declares one.</param>
/// <param name="DurationMs">How long the test took inside the sandbox.</param>
public sealed record TestResult(
    string Name,
    TestStatus Status,
    string? Message = null,
    string? Output = null,
    string? TestCode = null,
    int? TaskId = null,
    long? DurationMs = null);

/// <summary>A compiler diagnostic (C#: Roslyn's; Python/JS: the syntax error that stopped collection).</summary>
/// <param name="File">File name the diagnostic points into.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Severity"><c>error</c>, <c>warning</c> or <c>info</c>.</param>
/// <param name="Code">e.g. <c>CS0103</c>; <c>SyntaxError</c> for Python/JS.</param>
/// <param name="Message">Human readable message.</param>
public sealed record CompileDiagnostic(string File, int Line, int Column, string Severity, string Code, string Message);

/// <summary>Where the time went, in milliseconds.</summary>
/// <param name="QueuedMs">From <see cref="RunRequest.SubmittedAt"/> until the runner started on it.</param>
/// <param name="CompileMs">Compilation on the runner (C# only; 0 otherwise).</param>
/// <param name="RunMs">From handing the code to the sandbox until its last report.</param>
/// <param name="TotalMs">From submission until the verdict.</param>
public sealed record RunTimings(long QueuedMs, long CompileMs, long RunMs, long TotalMs);

/// <summary>Resource use measured inside the sandbox, where known.</summary>
/// <param name="CpuMs">CPU time of the test process.</param>
/// <param name="PeakMemoryBytes">Peak memory of the sandbox's cgroup.</param>
/// <param name="OutputBytes">Bytes the code wrote to stdout/stderr outside tests' captured output.</param>
public sealed record ResourceUsage(long? CpuMs, long? PeakMemoryBytes, long? OutputBytes);

/// <summary>
/// The final result of a run: Exercism results.json version 3 (<c>version</c>, <c>status</c>, <c>message</c>,
/// <c>tests</c>) plus the runner's verdict, diagnostics, timings and resource use.
/// </summary>
/// <param name="RunId">The request's run id.</param>
/// <param name="Version">Always 3 (results.json version).</param>
/// <param name="Status">pass only when <see cref="Verdict"/> is passed; fail when tests failed; error otherwise.</param>
/// <param name="Message">Top-level message for error statuses (compile error text, timeout, crash...).</param>
/// <param name="Tests">Every expected test, in run order; tests that never ran appear with status error.</param>
/// <param name="Verdict">The runner's verdict.</param>
/// <param name="Diagnostics">Compiler diagnostics (errors and warnings).</param>
/// <param name="Timings">Where the time went.</param>
/// <param name="Resources">Resource use where known.</param>
/// <param name="Output">What the code printed outside tests (capped), for display.</param>
/// <param name="ExerciseId">Copied from the request.</param>
/// <param name="CorrelationId">Copied from the request.</param>
/// <param name="Checks">The hidden checks' outcomes as a learner may see them: number, description, pass or fail.</param>
/// <param name="Graded">True when hidden checks were judged: only then can a <see cref="RunVerdict.Passed"/> complete
/// an exercise. A pass without them (a practice exercise, or a plain run) is self-checked.</param>
public sealed record RunResult(
    string RunId,
    int Version,
    TestStatus Status,
    string? Message,
    IReadOnlyList<TestResult> Tests,
    RunVerdict Verdict,
    IReadOnlyList<CompileDiagnostic> Diagnostics,
    RunTimings Timings,
    ResourceUsage Resources,
    string? Output = null,
    string? ExerciseId = null,
    string? CorrelationId = null,
    IReadOnlyList<CheckOutcome>? Checks = null,
    bool Graded = false);
