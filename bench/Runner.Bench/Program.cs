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
// sustained Python throughput against the container floor: `docker run --rm` of the same image with the same
// lockdown flags and a no-op command, at the same parallelism, measured right before and after the sustained runs.
// Drives RunnerHost's executor in process against real Docker and the sandbox images.
// Usage: dotnet run -c Release --project bench/Runner.Bench -- [--latency N] [--cold N] [--csharp N] [--sustained N]
//        [--concurrency C] [--pool P] [--floor N] [--breakdown N] [--python-image IMAGE]
// --breakdown N: where a run's time goes, each at the same parallelism: N containers through the Docker API with a
// no-op command (create, start, wait, remove; then with attach as the runner does), and N sandboxes started until
// their workers are ready (supervisor, test worker, check worker) and removed, without a run.
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
    if (opts.Sustained > 0)
    {
        var floorBefore = await Floor.DockerRunAsync(warm.Factory, opts.Floor, opts.Concurrency);
        var cpuBefore = Cpu.Take();
        var (sustained, rate, overall) = await warm.SustainedAsync(RunLanguage.Python, python, opts.Sustained, opts.Concurrency);
        var cpuUsed = Cpu.Take() - cpuBefore;
        var floorAfter = await Floor.DockerRunAsync(warm.Factory, opts.Floor, opts.Concurrency);
        var floor = (floorBefore + floorAfter) / 2;
        var failures = sustained.Count(r => r.Verdict != RunVerdict.Passed);
        Report($"python sustained, {opts.Sustained} runs", sustained.Select(r => r.Ms).ToList(), "");
        var cpu = sustained.Where(r => r.WorkerCpuMs is not null).GroupBy(r => r.Warm).ToDictionary(g => g.Key, g => Pct(g.Select(r => (double)r.WorkerCpuMs!.Value).ToList(), 50));
        Console.WriteLine($"  test worker's CPU per run (its whole life: start, imports, warm-up when pooled, the tests), p50: warm {cpu.GetValueOrDefault(true):F0} ms, cold {cpu.GetValueOrDefault(false):F0} ms");
        Console.WriteLine($"  CPU per run outside the sandboxes: this runner {cpuUsed.Runner / opts.Sustained:F0} ms, dockerd {cpuUsed.Dockerd / opts.Sustained:F0} ms, containerd {cpuUsed.Containerd / opts.Sustained:F0} ms (its per-container shims not counted)");
        Console.WriteLine($"  {overall:F2} runs/s overall; steady state (after the first tenth, which the filled pool serves) below; failures {failures}, warm starts {sustained.Count(r => r.Warm)}");
        Console.WriteLine($"  container floor: before {floorBefore:F2}, after {floorAfter:F2} runs/s ({opts.Floor} x `docker run --rm` of {warm.Factory.ImageFor(RunLanguage.Python)} /bin/true, {opts.Concurrency} at once)");
        Console.WriteLine($"throughput {rate:F2} runs/s, container floor {floor:F2} runs/s, ratio {rate / floor:F2}");
        Console.WriteLine($"  load average {Floor.LoadAverage()}");
        foreach (var g in sustained.Where(r => r.Verdict != RunVerdict.Passed).GroupBy(r => r.Verdict + ": " + r.Message).Take(5))
        {
            Console.WriteLine($"    {g.Count()} x {g.Key}");
        }
    }
    if (opts.Breakdown > 0)
    {
        await Floor.BreakdownAsync(warm.Factory, opts.Breakdown, opts.Concurrency);
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

internal sealed record Args(int Latency, int Cold, int CSharp, int Sustained, int Concurrency, int Pool, int Floor, int Breakdown)
{
    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static Args Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        return new Args(Get("--latency", 200), Get("--cold", 50), Get("--csharp", 100), Get("--sustained", 1000), Get("--concurrency", 8), Get("--pool", 8),
            Get("--floor", 60), Get("--breakdown", 0));
    }
}

internal sealed record Outcome(double Ms, RunVerdict Verdict, bool Warm, string? Message, long? WorkerCpuMs = null);

internal sealed class Runner : IAsyncDisposable
{
    private readonly IHost _host;

    private Runner(IHost host) => _host = host;

    private RunExecutor Executor => _host.Services.GetRequiredService<RunExecutor>();
    public SandboxFactory Factory => _host.Services.GetRequiredService<SandboxFactory>();
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
        if (Args.Text(Environment.GetCommandLineArgs(), "--python-image") is { } image)
        {
            // Another build of the Python image (a before/after comparison in one session).
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Runner:Sandbox:Images:python", (string?)image)]);
        }
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

    /// n runs, `concurrency` at a time, each by its own user. Rate: runs per second in the steady state, from the
    /// completion of the first tenth (served by the pool filled beforehand) to the last; overall: n / total time.
    public async Task<(List<Outcome> Outcomes, double Rate, double Overall)> SustainedAsync(RunLanguage language, RunFile[] files, int n, int concurrency)
    {
        var results = new List<Outcome>();
        var done = new List<double>();
        var next = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            while (Interlocked.Increment(ref next) <= n)
            {
                var o = await RunOnceAsync(language, files, "bench-" + w);
                lock (results)
                {
                    results.Add(o);
                    done.Add(sw.Elapsed.TotalSeconds);
                }
            }
        });
        await Task.WhenAll(workers);
        var total = sw.Elapsed.TotalSeconds;
        var skip = Math.Max(1, n / 10);
        var rate = n > skip ? (n - skip) / (done[^1] - done[skip - 1]) : n / total;
        return (results, rate, n / total);
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
        return new Outcome(verdictMs, result.Result.Verdict, warm, result.Result.Message, result.Result.Resources.CpuMs);
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

/// The container floor: what Docker alone manages with the sandbox's flags and image, nothing run inside.
internal static class Floor
{
    /// `docker run --rm` with the flags the runner's containers get (from the same parameters), entry point /bin/true.
    public static async Task<double> DockerRunAsync(SandboxFactory factory, int n, int concurrency)
    {
        var p = factory.BuildParameters(RunLanguage.Python, pooled: false);
        var h = p.HostConfig;
        var args = new List<string> { "run", "--rm", "--network", h.NetworkMode, "--user", p.User, "--workdir", p.WorkingDir,
            "--shm-size", Str(h.ShmSize), "--pids-limit", Str(h.PidsLimit ?? 0), "--memory", Str(h.Memory), "--memory-swap", Str(h.MemorySwap),
            "--cpus", (h.NanoCPUs / 1e9).ToString("0.###", CultureInfo.InvariantCulture), "--ipc", h.IpcMode, "--log-driver", h.LogConfig.Type };
        if (h.ReadonlyRootfs)
        {
            args.Add("--read-only");
        }
        foreach (var (path, o) in h.Tmpfs)
        {
            args.AddRange(["--tmpfs", $"{path}:{o}"]);
        }
        foreach (var cap in h.CapDrop)
        {
            args.AddRange(["--cap-drop", cap]);
        }
        foreach (var so in h.SecurityOpt)
        {
            args.AddRange(["--security-opt", so]);
        }
        foreach (var u in h.Ulimits)
        {
            args.AddRange(["--ulimit", $"{u.Name}={u.Soft}:{u.Hard}"]);
        }
        args.AddRange(["--entrypoint", "/bin/true", p.Image]);
        return await RateAsync(n, concurrency, async () =>
        {
            var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
            args.ForEach(psi.ArgumentList.Add);
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("docker run failed: " + await stderr);
            }
        });
    }

    public static async Task BreakdownAsync(SandboxFactory factory, int n, int concurrency)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        Console.WriteLine($"breakdown, {n} containers each, {concurrency} at once (load average {LoadAverage()}):");
        var cli = await DockerRunAsync(factory, n, concurrency);
        Console.WriteLine($"  docker run --rm ... /bin/true (CLI):            {cli:F2} /s");
        var api = await RateAsync(n, concurrency, () => ApiTrueAsync(docker, factory, attach: false));
        Console.WriteLine($"  API create, start, wait, remove, /bin/true:     {api:F2} /s");
        var attached = await RateAsync(n, concurrency, () => ApiTrueAsync(docker, factory, attach: true));
        Console.WriteLine($"  the same with attach (as the runner):           {attached:F2} /s");
        var ready = await RateAsync(n, concurrency, async () =>
        {
            await using var c = await factory.CreateStartedAsync(RunLanguage.Python, pooled: false, CancellationToken.None);
            if (!await c.WaitReadyAsync(TimeSpan.FromSeconds(60), CancellationToken.None))
            {
                throw new InvalidOperationException("sandbox not ready");
            }
        });
        Console.WriteLine($"  sandbox started until its workers are ready:    {ready:F2} /s");
    }

    private static async Task ApiTrueAsync(IDockerClient docker, SandboxFactory factory, bool attach)
    {
        var p = factory.BuildParameters(RunLanguage.Python, pooled: false);
        p.Entrypoint = ["/bin/true"];
        p.Cmd = [];
        p.Labels.Clear();
        var created = await docker.Containers.CreateContainerAsync(p);
        MultiplexedStream? stream = null;
        try
        {
            if (attach)
            {
                stream = await docker.Containers.AttachContainerAsync(created.ID, false,
                    new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true });
            }
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            await docker.Containers.WaitContainerAsync(created.ID);
        }
        finally
        {
            stream?.Dispose();
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    /// n calls of `one`, `concurrency` at a time; calls per second.
    private static async Task<double> RateAsync(int n, int concurrency, Func<Task> one)
    {
        var next = 0;
        var cpu = Cpu.Take();
        using var report = new Finally(() =>
        {
            var used = Cpu.Take() - cpu;
            Console.WriteLine($"    (CPU per call: this process {used.Runner / n:F0} ms, dockerd {used.Dockerd / n:F0} ms, containerd {used.Containerd / n:F0} ms)");
        });
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= n)
            {
                await one();
            }
        }));
        return n / sw.Elapsed.TotalSeconds;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// CPU time (ms) of this process and of the Docker daemons, from /proc.
internal readonly record struct Cpu(double Runner, double Dockerd, double Containerd)
{
    public static Cpu operator -(Cpu a, Cpu b) => new(a.Runner - b.Runner, a.Dockerd - b.Dockerd, a.Containerd - b.Containerd);

    public static Cpu Take() => new(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds, Of("dockerd"), Of("containerd"));

    private static double Of(string name)
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != name)
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0; // clock ticks of 10 ms
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        return total;
    }
}

internal sealed class Finally(Action action) : IDisposable
{
    public void Dispose() => action();
}
