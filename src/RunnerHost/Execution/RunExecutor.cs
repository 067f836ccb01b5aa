using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Languages;
using LearningPlatform.RunnerHost.Pools;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Execution;

/// Executes one run end to end: validation, admission, preparation (C# compile), a fresh sandbox (warm or cold),
/// streaming events as the signed frames arrive, grading (visible tests, then hidden checks judged here against
/// expectations that never enter the sandbox), and removal of the container.
internal sealed partial class RunExecutor(
    IEnumerable<ILanguageRuntime> runtimes,
    SandboxFactory factory,
    WarmPool pool,
    AdmissionControl admission,
    IOptions<SandboxOptions> sandboxOptions,
    ILogger<RunExecutor> logger)
{
    private readonly SandboxOptions _o = sandboxOptions.Value;
    private readonly Dictionary<RunLanguage, ILanguageRuntime> _runtimes = runtimes.ToDictionary(r => r.Language);

    /// The result as learners may see it, and the hidden checks' details for instructors.
    public async Task<RunCompleted> ExecuteAsync(RunRequest request, Func<RunEvent, ValueTask> onEvent, CancellationToken ct)
    {
        var checks = request.Checks ?? [];
        var limits = Limits.Of(request, _o);
        List<CheckDetail>? checkDetails = null;
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        long seq = 0;
        var outputText = new StringBuilder();
        ValueTask Emit(Func<long, DateTimeOffset, RunEvent> make) => onEvent(make(++seq, DateTimeOffset.UtcNow));

        RunResult Result(RunVerdict verdict, string? message, IReadOnlyList<TestResult> tests, IReadOnlyList<CompileDiagnostic> diagnostics,
            long compileMs, long runMs, ResourceUsage? resources = null, IReadOnlyList<CheckOutcome>? outcomes = null)
        {
            var queued = Math.Max(0, (long)(startedAt - request.SubmittedAt).TotalMilliseconds);
            var status = verdict switch
            {
                RunVerdict.Passed => TestStatus.Pass,
                RunVerdict.Failed => TestStatus.Fail,
                _ => TestStatus.Error,
            };
            return new RunResult(request.RunId, 3, status, message, tests, verdict, diagnostics,
                new RunTimings(queued, compileMs, runMs, queued + clock.ElapsedMilliseconds),
                resources ?? new ResourceUsage(null, null, null), outputText.Length > 0 ? outputText.ToString() : null,
                request.ExerciseId, request.CorrelationId,
                outcomes ?? [.. checks.Select((c, i) => new CheckOutcome(i + 1, TestStatus.Error, c.Description))], Graded: checks.Count > 0);
        }

        async Task<RunCompleted> Finish(RunResult result)
        {
            await Emit((s, at) => new RunFinished(request.RunId, s, at, result));
            RunLog.Finished(logger, request.RunId, result.Verdict.ToString(), result.Timings.TotalMs);
            return new RunCompleted(result, checkDetails);
        }

        await Emit((s, at) => new RunAccepted(request.RunId, s, at));
        if (Validate(request) is { } invalid)
        {
            return await Finish(Result(RunVerdict.Rejected, invalid, [], [], 0, 0));
        }
        var (lease, reason) = await admission.EnterAsync(request.UserId, ct, trial: request.Mode == RunMode.Trial, request.AccountCreatedAt);
        if (lease is null)
        {
            return await Finish(Result(RunVerdict.Rejected, reason, [], [], 0, 0));
        }
        SandboxContainer? container = null;
        try
        {
            // Queued until the slot was given, not until this continuation ran: under load the two can be far apart,
            // and the queue time is what fairness is judged by.
            startedAt = lease.AdmittedAt;
            clock.Restart();
            var runtime = _runtimes[request.Language];
            var prepared = await runtime.PrepareAsync(request, ct);
            if (prepared.RejectReason is not null)
            {
                return await Finish(Result(RunVerdict.Rejected, prepared.RejectReason, [], [], 0, 0));
            }
            var diagnostics = prepared.Diagnostics ?? [];
            if (prepared.CompileFailed)
            {
                await Emit((s, at) => new RunCompiled(request.RunId, s, at, false, diagnostics, []));
                var first = diagnostics.FirstOrDefault(d => d.Severity == "error");
                return await Finish(Result(RunVerdict.CompileError, first is null ? "compilation failed" : $"{first.File}({first.Line},{first.Column}): {first.Code}: {first.Message}",
                    [], diagnostics, prepared.CompileMs, 0));
            }

            var runClock = Stopwatch.StartNew();
            container = pool.TryTake(request.Language, trial: request.Mode == RunMode.Trial);
            var warm = container is not null;
            // Not cancellable half-way: a create cancelled mid-request could leave a container we never learn of.
            container ??= await factory.CreateStartedAsync(request.Language, pooled: false, CancellationToken.None);
            await Emit((s, at) => new RunStarted(request.RunId, s, at, warm));

            var observation = new RunObservation();
            var key = RandomNumberGenerator.GetBytes(32);
            // Only the calls of the hidden checks enter the sandbox: no expected value, error type, rule or description.
            var calls = checks.Select((c, i) => new SandboxCheck(i, c.Call, c.Args, c.Steps, c.Stdin)).ToList();
            var runJson = JsonSerializer.SerializeToUtf8Bytes(new SandboxRun(
                prepared.Files.Select(f => new SandboxFile(f.Name, Convert.ToBase64String(f.Content))).ToList(),
                prepared.TestFiles, limits.TimeoutMs, limits.OutputBytes, _o.TestOutputChars, calls, limits.TimeoutMs, _o.CheckOutputLimitBytes),
                SandboxJson.Default.SandboxRun);

            var phases = calls.Count > 0 ? 2 : 1;
            var session = await container.RunAsync(key, runJson, TimeSpan.FromMilliseconds(phases * limits.TimeoutMs + _o.KillGraceMs), _o.HostReadLimitBytes,
                frame => OnFrame(frame, request, prepared, diagnostics, observation, outputText, limits, Emit), ct);
            observation.HostTimedOut = session.HostTimedOut;
            observation.HostReadLimitExceeded = session.HostReadLimitExceeded;
            observation.ForgedFrames = session.ForgedFrames;
            observation.SupervisorStderr = session.Stderr;
            observation.OutputText = outputText.ToString();
            var runMs = runClock.ElapsedMilliseconds;

            var (verdict, message, tests, syntax) = Grader.Grade(observation, prepared.ExpectedTests, prepared.KeyOf, limits.TimeoutMs, limits.MemoryBytes);
            List<CheckOutcome>? outcomes = null;
            if (checks.Count > 0)
            {
                (verdict, message, outcomes, checkDetails) = Grader.GradeChecks(verdict, message, checks, observation, limits.TimeoutMs, limits.MemoryBytes);
            }
            var allDiagnostics = syntax.Count > 0 ? [.. diagnostics, .. syntax] : diagnostics;
            // What the visible tests used: the hidden checks' time and memory could carry their inputs back out.
            var resources = new ResourceUsage(observation.CpuMs, observation.PeakMemoryBytes, observation.OutputBytes);
            var result = Result(verdict, message, tests, allDiagnostics, prepared.CompileMs, runMs, resources, outcomes);
            return await Finish(result);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            RunLog.Failed(logger, request.RunId, e);
            return await Finish(Result(RunVerdict.InternalError, "the runner failed: " + e.Message, [], [], 0, 0));
        }
        finally
        {
            lease.Dispose();
            if (container is not null)
            {
                await container.DisposeAsync();
                if (container.Pooled)
                {
                    pool.Replenish(request.Language);
                }
            }
        }
    }

    private async ValueTask OnFrame(JsonElement frame, RunRequest request, PreparedRun prepared, IReadOnlyList<CompileDiagnostic> diagnostics,
        RunObservation o, StringBuilder outputText, Limits limits, Func<Func<long, DateTimeOffset, RunEvent>, ValueTask> emit)
    {
        var type = frame.GetProperty("type").GetString();
        if (o.ChecksStarted && type is not ("check_started" or "check_result" or "checks_done" or "exit"))
        {
            return; // phase 2 makes nothing a learner sees; the supervisor sends none of these, this makes sure
        }
        switch (type)
        {
            case "checks_started":
                o.ChecksStarted = true;
                break;
            case "check_result":
                if (frame.TryGetProperty("index", out var ix) && ix.ValueKind == JsonValueKind.Number && ix.TryGetInt32(out var index)
                    && index >= 0 && index < (request.Checks?.Count ?? 0))
                {
                    var reports = o.CheckReports.TryGetValue(index, out var list) ? list : o.CheckReports[index] = [];
                    reports.Add(CheckReport.From(frame));
                    if (reports.Count == 1)
                    {
                        var check = request.Checks![index];
                        var outcome = new CheckOutcome(index + 1, CheckJudge.Compare(check, reports[0]).Status, check.Description);
                        await emit((s, at) => new CheckFinished(request.RunId, s, at, outcome));
                    }
                }
                break;
            case "checks_done":
                o.ChecksDone = true;
                break;
            case "collected":
                if (o.Collected is not null)
                {
                    o.CollectErrors.Add(("", "the test list was reported twice"));
                    return;
                }
                o.Collected = frame.TryGetProperty("tests", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.ToString()).ToList()
                    : [];
                var collected = o.Collected;
                await emit((s, at) => new RunCompiled(request.RunId, s, at, true, diagnostics, collected));
                break;
            case "test_started":
                var startedName = Str(frame, "name") ?? "";
                await emit((s, at) => new TestStarted(request.RunId, s, at, startedName));
                break;
            case "test_finished":
                var name = Str(frame, "name") ?? "";
                var status = Str(frame, "status") switch
                {
                    "pass" => TestStatus.Pass,
                    "fail" => TestStatus.Fail,
                    _ => TestStatus.Error,
                };
                var code = Str(frame, "testCode");
                if (code is null && prepared.TestCode is not null)
                {
                    prepared.TestCode.TryGetValue(prepared.KeyOf(name), out code);
                }
                int? taskId = frame.TryGetProperty("taskId", out var task) && task.ValueKind == JsonValueKind.Number && task.TryGetInt32(out var tid) ? tid : null;
                long? duration = frame.TryGetProperty("durationMs", out var dur) && dur.ValueKind == JsonValueKind.Number ? dur.GetInt64() : null;
                var test = new TestResult(name, status, Str(frame, "message"), Clip(Str(frame, "output"), _o.TestOutputChars), code, taskId, duration);
                o.Finished.Add(test);
                await emit((s, at) => new TestFinished(request.RunId, s, at, test));
                break;
            case "output":
                var text = Str(frame, "text") ?? "";
                if (outputText.Length < limits.OutputBytes)
                {
                    outputText.Append(text.AsSpan(0, (int)Math.Min(text.Length, limits.OutputBytes - outputText.Length)));
                }
                await emit((s, at) => new RunOutput(request.RunId, s, at, text));
                break;
            case "collect_error":
                o.CollectErrors.Add((Str(frame, "file") ?? "", Str(frame, "message") ?? ""));
                break;
            case "integrity":
                o.IntegrityOk = frame.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True;
                if (frame.TryGetProperty("changed", out var changed) && changed.ValueKind == JsonValueKind.Array)
                {
                    o.IntegrityChanges.AddRange(changed.EnumerateArray().Select(c => c.ToString()));
                }
                break;
            case "done":
                o.Done = true;
                break;
            case "exit":
                o.ExitSeen = true;
                o.TimedOut = Bool(frame, "timedOut");
                o.OutputLimited = Bool(frame, "outputLimited") || Bool(frame, "resultLimited");
                o.Signal = (int)(Long(frame, "signal") ?? 0);
                o.ExitCode = (int?)Long(frame, "code");
                o.MemoryFailCount = Long(frame, "memoryFailCount") ?? 0;
                o.OomKills = Long(frame, "oomKills") ?? 0;
                o.ForgedResults = Long(frame, "forgedResults") ?? 0;
                o.CpuMs = Long(frame, "cpuMs");
                o.PeakMemoryBytes = Long(frame, "peakMemoryBytes");
                o.OutputBytes = Long(frame, "outputBytes");
                o.SupervisorError = Str(frame, "error");
                if (frame.TryGetProperty("checks", out var phase2) && phase2.ValueKind == JsonValueKind.Object)
                {
                    o.ChecksTimedOut = Bool(phase2, "timedOut");
                    o.ChecksError = Str(phase2, "error");
                    o.ChecksOomKills = Long(phase2, "oomKills") ?? 0;
                    o.ChecksPeakMemoryBytes = Long(phase2, "peakMemoryBytes");
                    o.ChecksSignal = (int)(Long(phase2, "signal") ?? 0);
                    o.ChecksOutput = Str(phase2, "output");
                }
                break;
        }
    }

    private string? Validate(RunRequest r)
    {
        if (string.IsNullOrEmpty(r.RunId) || !RunIdPattern().IsMatch(r.RunId))
        {
            return "runId must be 1-64 letters, digits, '-' or '_'";
        }
        if (string.IsNullOrEmpty(r.UserId))
        {
            return "userId is required";
        }
        if (!_runtimes.ContainsKey(r.Language))
        {
            return "unsupported language";
        }
        if (r.Files is null || r.Files.Count == 0 || r.Files.Count > _o.MaxFiles)
        {
            return $"between 1 and {_o.MaxFiles} files are required";
        }
        if (!r.Files.Any(f => f.IsTest))
        {
            return "no test file";
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var f in r.Files)
        {
            if (f?.Name is null || f.Content is null || !FileNamePattern().IsMatch(f.Name) || !names.Add(f.Name))
            {
                return "file names must be unique plain names (letters, digits, '_', '-', '.'; no directories)";
            }
            total += Encoding.UTF8.GetByteCount(f.Content);
        }
        return total > _o.MaxSourceBytes ? $"the source is larger than {_o.MaxSourceBytes} bytes" : null;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    private static string? Clip(string? s, int n) => s is null || s.Length <= n ? s : s[..n];

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RunIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex FileNamePattern();
}

internal sealed record SandboxFile(string Name, string Content);

internal sealed record SandboxCheck(int Index, string Call, IReadOnlyList<JsonElement>? Args, IReadOnlyList<CheckStep>? Steps, string? Stdin);

internal sealed record SandboxRun(IReadOnlyList<SandboxFile> Files, IReadOnlyList<string> TestFiles, int TimeoutMs, long OutputLimitBytes, int TestOutputChars,
    IReadOnlyList<SandboxCheck> Checks, int CheckTimeoutMs, long CheckOutputLimitBytes);

/// The limits of one run: the exercise's own where it sets them, never above the runner's.
internal sealed record Limits(int TimeoutMs, long OutputBytes, long MemoryBytes)
{
    public static Limits Of(RunRequest request, SandboxOptions o) => new(
        Math.Min(request.Limits?.TimeMs is > 0 and var t ? t : o.TimeoutMs, o.TimeoutMs),
        Math.Min(request.Limits?.OutputBytes is > 0 and var b ? b : o.OutputLimitBytes, o.OutputLimitBytes),
        Math.Min(request.Limits?.MemoryMb is > 0 and var m ? m * (1L << 20) : o.MemoryBytes, o.MemoryBytes));
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SandboxRun))]
internal sealed partial class SandboxJson : System.Text.Json.Serialization.JsonSerializerContext;

internal static partial class RunLog
{
    [LoggerMessage(3000, LogLevel.Information, "Run {RunId} finished: {Verdict} in {TotalMs} ms")]
    public static partial void Finished(ILogger logger, string runId, string verdict, long totalMs);

    [LoggerMessage(3001, LogLevel.Error, "Run {RunId} failed in the runner")]
    public static partial void Failed(ILogger logger, string runId, Exception exception);
}
