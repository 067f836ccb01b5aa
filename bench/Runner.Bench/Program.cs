using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost;
using LearningPlatform.RunnerHost.Execution;
using LearningPlatform.RunnerHost.Pools;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LearningPlatform.ServiceDefaults;
using Microsoft.Extensions.Hosting;

// Runner figures: run -> verdict latency (Python and C#, 10 visible tests each, warm pools vs. pools off), the same as
// graded submits with 10 hidden checks judged on the host (the judgement's cost, measured in the same run), and
// sustained Python throughput. Drives RunnerHost's executor in process against real Docker and the sandbox images.
// Usage: dotnet run -c Release --project bench/Runner.Bench -- [--latency N] [--cold N] [--csharp N] [--sustained N]
//        [--concurrency C] [--pool P]
var opts = Args.Parse(args);
Console.WriteLine($"runner bench: {Environment.ProcessorCount} cores; latency runs {opts.Latency}, cold runs {opts.Cold}, C# runs {opts.CSharp}, sustained {opts.Sustained} at concurrency {opts.Concurrency}, pool {opts.Pool}");

var python = Exercises.Python();
var csharp = Exercises.CSharp();

// Warm pools: sequential submissions, the pool refilled between them as it would be at a learner's pace.
await using (var warm = await Runner.StartAsync(opts.Pool, opts.Concurrency))
{
    await warm.WaitPoolFullAsync();
    var py = await warm.SequentialAsync(RunLanguage.Python, python, opts.Latency, waitPool: true);
    Report("python, 10 tests, warm pool", py, "p50 <= 100 ms, p95 <= 250 ms");
    var pyGraded = await warm.SequentialAsync(RunLanguage.Python, python, opts.Latency, waitPool: true, Exercises.Checks("solution.add"));
    Report("python, 10 tests + 10 hidden checks (graded submit), warm pool", pyGraded, "p50 <= 60 ms, p95 <= 120 ms");
    var cs = await warm.SequentialAsync(RunLanguage.CSharp, csharp, opts.CSharp, waitPool: true);
    Report("csharp, 10 tests, warm pool", cs, "p50 <= 250 ms, p95 <= 500 ms");
    var csGraded = await warm.SequentialAsync(RunLanguage.CSharp, csharp, opts.CSharp, waitPool: true, Exercises.Checks("Solution.Add"));
    Report("csharp, 10 tests + 10 hidden checks (graded submit), warm pool", csGraded, "p50 <= 60 ms, p95 <= 120 ms");

    await using var cold = await Runner.StartAsync(0, opts.Concurrency);
    var pyCold = await cold.SequentialAsync(RunLanguage.Python, python, opts.Cold, waitPool: false);
    Report("python, 10 tests, pools off", pyCold, "");
    Console.WriteLine($"  ratio pools off / warm: p50 {Pct(pyCold, 50) / Math.Max(1, Pct(py, 50)):F1}x, p95 {Pct(pyCold, 95) / Math.Max(1, Pct(py, 95)):F1}x");

    // Sustained: many runs at once; the pools refill in the background and fall back to cold starts when empty.
    var sw = Stopwatch.StartNew();
    var sustained = await warm.ConcurrentAsync(RunLanguage.Python, python, opts.Sustained, opts.Concurrency);
    var seconds = sw.Elapsed.TotalSeconds;
    var failures = sustained.Count(r => r.Verdict != RunVerdict.Passed);
    Report($"python sustained, {opts.Sustained} runs", sustained.Select(r => r.Ms).ToList(), "");
    Console.WriteLine($"  throughput {opts.Sustained / seconds:F1} runs/s (target >= 15), failures {failures}, warm starts {sustained.Count(r => r.Warm)}");
    foreach (var g in sustained.Where(r => r.Verdict != RunVerdict.Passed).GroupBy(r => r.Verdict + ": " + r.Message).Take(5))
    {
        Console.WriteLine($"    {g.Count()} x {g.Key}");
    }
}
var leaked = await Runner.SandboxContainersAsync();
Console.WriteLine($"containers left after shutdown: {leaked} (target 0)");
return 0;

static void Report(string name, IReadOnlyList<double> ms, string target)
{
    if (ms.Count == 0)
    {
        return;
    }
    Console.WriteLine($"{name}: n={ms.Count} p50 {Pct(ms, 50):F0} ms, p95 {Pct(ms, 95):F0} ms, max {ms.Max():F0} ms{(target.Length > 0 ? "  (target " + target + ")" : "")}");
}

static double Pct(IReadOnlyList<double> ms, double p)
{
    if (ms.Count == 0)
    {
        return 0;
    }
    var sorted = ms.OrderBy(x => x).ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed record Args(int Latency, int Cold, int CSharp, int Sustained, int Concurrency, int Pool)
{
    public static Args Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        return new Args(Get("--latency", 200), Get("--cold", 50), Get("--csharp", 100), Get("--sustained", 1000), Get("--concurrency", 8), Get("--pool", 8));
    }
}

internal sealed record Outcome(double Ms, RunVerdict Verdict, bool Warm, string? Message);

internal sealed class Runner : IAsyncDisposable
{
    private readonly IHost _host;

    private Runner(IHost host) => _host = host;

    private RunExecutor Executor => _host.Services.GetRequiredService<RunExecutor>();
    private WarmPool Pool => _host.Services.GetRequiredService<WarmPool>();

    public static async Task<Runner> StartAsync(int pool, int concurrency)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Runner:Queue:Enabled"] = "false",
            ["Runner:Pools:Size"] = pool.ToString(CultureInfo.InvariantCulture),
            ["Runner:Pools:FillConcurrency"] = "4",
            ["Runner:Pools:Languages:0"] = "Python",
            ["Runner:Pools:Languages:1"] = "CSharp",
            ["Runner:Admission:MaxConcurrentRuns"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Runner:Admission:MaxQueuedRuns"] = "10000",
            ["Runner:Admission:MaxRunsPerUser"] = "1000",
            ["Runner:Admission:RunsPerUserPerMinute"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddServiceDefaults("runner");
        builder.Configuration.AddInMemoryCollection(PinnedImages());
        builder.Services.AddRunner();
        var host = builder.Build();
        await host.StartAsync();
        var runner = new Runner(host);
        // First C# compilation in a process costs seconds: not part of the figures.
        await host.Services.GetRequiredService<LearningPlatform.RunnerHost.Languages.CSharp.CSharpWarmup>().Warmed.Task;
        return runner;
    }

    /// This checkout's image builds (content-hash tags), not whatever :latest another checkout last built.
    private static Dictionary<string, string?> PinnedImages()
    {
        var pinned = new Dictionary<string, string?>();
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "sandbox-images", "build.sh")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            return pinned;
        }
        using var p = Process.Start(new ProcessStartInfo("bash", ["sandbox-images/build.sh", "--tags"]) { WorkingDirectory = dir.FullName, RedirectStandardOutput = true })!;
        foreach (var line in p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            pinned[$"Runner:Sandbox:Images:{parts[0]}"] = parts[1].Trim();
        }
        p.WaitForExit();
        return pinned;
    }

    public async Task WaitPoolFullAsync()
    {
        while (!Pool.IsFull)
        {
            await Task.Delay(20);
        }
    }

    public async Task<List<double>> SequentialAsync(RunLanguage language, RunFile[] files, int n, bool waitPool, HiddenCheck[]? checks = null)
    {
        var list = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (waitPool)
            {
                await WaitPoolFullAsync();
            }
            var o = await RunOnceAsync(language, files, "bench-seq", checks);
            if (o.Verdict != RunVerdict.Passed)
            {
                Console.WriteLine($"  run {i}: {o.Verdict} {o.Message}");
            }
            list.Add(o.Ms);
        }
        return list;
    }

    public async Task<List<Outcome>> ConcurrentAsync(RunLanguage language, RunFile[] files, int n, int concurrency)
    {
        var results = new List<Outcome>();
        var next = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            while (Interlocked.Increment(ref next) <= n)
            {
                var o = await RunOnceAsync(language, files, "bench-" + w);
                lock (results)
                {
                    results.Add(o);
                }
            }
        });
        await Task.WhenAll(workers);
        return results;
    }

    /// Submit -> verdict: from the call until the `finished` event (container removal happens after it).
    private async Task<Outcome> RunOnceAsync(RunLanguage language, RunFile[] files, string user, HiddenCheck[]? checks = null)
    {
        var request = new RunRequest(Guid.NewGuid().ToString("N"), user, language, files, DateTimeOffset.UtcNow, Checks: checks);
        var sw = Stopwatch.StartNew();
        double verdictMs = 0;
        var warm = false;
        var trace = Environment.GetEnvironmentVariable("BENCH_TRACE") == "1";
        var result = await Executor.ExecuteAsync(request, e =>
        {
            if (trace)
            {
                Console.WriteLine($"    {sw.Elapsed.TotalMilliseconds,7:F1} ms {e.GetType().Name}");
            }
            if (e is RunStarted s)
            {
                warm = s.Warm;
            }
            if (e is RunFinished)
            {
                verdictMs = sw.Elapsed.TotalMilliseconds;
            }
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        return new Outcome(verdictMs, result.Result.Verdict, warm, result.Result.Message);
    }

    public static async Task<int> SandboxContainersAsync()
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var list = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{SandboxLabels.Runner}"] = true },
            },
        });
        return list.Count(c => c.Labels.TryGetValue(SandboxLabels.Pid, out var pid) && pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

internal static class Exercises
{
    /// Ten hidden checks of add(a, b): add(i, i) == 2i.
    public static HiddenCheck[] Checks(string call) =>
        [.. Enumerable.Range(1, 10).Select(i => new HiddenCheck(call,
            [System.Text.Json.JsonSerializer.SerializeToElement(i), System.Text.Json.JsonSerializer.SerializeToElement(i)],
            Expected: System.Text.Json.JsonSerializer.SerializeToElement(2 * i)))];

    public static RunFile[] Python() =>
    [
        new("solution.py", "def add(a, b):\n    return a + b\n\ndef mul(a, b):\n    return a * b\n"),
        new("test_solution.py", "from solution import add, mul\n\n" + string.Concat(Enumerable.Range(1, 10).Select(i =>
            $"def test_{i}():\n    assert add({i}, {i}) == {2 * i}\n    assert mul({i}, 2) == {2 * i}\n\n")), true),
    ];

    public static RunFile[] CSharp() =>
    [
        new("Solution.cs", "public static class Solution\n{\n    public static int Add(int a, int b) => a + b;\n}\n"),
        new("SolutionTests.cs", "public class SolutionTests\n{\n" + string.Concat(Enumerable.Range(1, 10).Select(i =>
            $"    [Fact]\n    public void Adds_{i}() => Assert.Equal({2 * i}, Solution.Add({i}, {i}));\n")) + "}\n", true),
    ];
}
