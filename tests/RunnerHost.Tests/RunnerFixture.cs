using Docker.DotNet;
using Docker.DotNet.Models;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Execution;
using LearningPlatform.RunnerHost.Pools;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace LearningPlatform.RunnerHost.Tests;

/// One runner (real Docker, real images built by sandbox-images/build.sh) shared by the Docker tests.
/// Small limits so hostile runs end quickly; a warm pool of one container per language.
public sealed class RunnerFixture : IAsyncLifetime
{
    public const int TimeoutMs = 4000;

    private IHost? _host;

    public IServiceProvider Services => _host!.Services;
    internal RunExecutor Executor => Services.GetRequiredService<RunExecutor>();
    internal IDockerClient Docker => Services.GetRequiredService<IDockerClient>();
    internal RunnerIdentity Identity => Services.GetRequiredService<RunnerIdentity>();
    internal WarmPool Pool => Services.GetRequiredService<WarmPool>();


    public static IHost BuildHost(IDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Runner:Queue:Enabled"] = "false",
            ["Runner:Pools:Size"] = "1",
            ["Runner:Sandbox:TimeoutMs"] = TimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Runner:Sandbox:KillGraceMs"] = "2000",
            ["Runner:Sandbox:MemoryBytes"] = (192L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Runner:Sandbox:OutputLimitBytes"] = "32768",
            ["Runner:Admission:MaxConcurrentRuns"] = "2",
            ["Runner:Admission:MaxRunsPerUser"] = "50",
            [TestLogging.Key] = TestLogging.Level,
        });
        builder.Configuration.AddInMemoryCollection(LearningPlatform.Tests.Shared.SandboxImages.Pinned);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddServiceDefaults("runner");
        builder.Services.AddRunner();
        return builder.Build();
    }

    public async Task InitializeAsync()
    {
        _host = BuildHost(new Dictionary<string, string?>());
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    internal async Task<(RunResult Result, List<RunEvent> Events)> RunAsync(RunLanguage language, params RunFile[] files) =>
        await RunAsync(Executor, language, "user-" + Guid.NewGuid().ToString("N")[..8], files);

    internal static async Task<(RunResult Result, List<RunEvent> Events)> RunAsync(RunExecutor executor, RunLanguage language, string user, params RunFile[] files)
    {
        var (completed, events) = await RunAsync(executor, new RunRequest(Guid.NewGuid().ToString("N"), user, language, files, DateTimeOffset.UtcNow));
        return (completed.Result, events);
    }

    /// A run with hidden checks: the result as learners see it, the details, and the events.
    internal async Task<(RunCompleted Completed, List<RunEvent> Events)> RunWithChecksAsync(
        RunLanguage language, IReadOnlyList<HiddenCheck> checks, params RunFile[] files) =>
        await RunAsync(Executor, new RunRequest(Guid.NewGuid().ToString("N"), "user-" + Guid.NewGuid().ToString("N")[..8], language, files,
            DateTimeOffset.UtcNow, Checks: checks));

    internal static async Task<(RunCompleted Completed, List<RunEvent> Events)> RunAsync(RunExecutor executor, RunRequest request)
    {
        var events = new List<RunEvent>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await executor.ExecuteAsync(request, e =>
        {
            lock (events)
            {
                events.Add(e);
            }
            return ValueTask.CompletedTask;
        }, cts.Token);
        return (result, events);
    }

    /// Containers of this runner that are not idle in the warm pool, once the pool has refilled: after a run
    /// returns there must be none (a warm container taken by a run is removed like a cold one).
    internal async Task<IList<ContainerListResponse>> RunContainersAsync()
    {
        IList<ContainerListResponse> extra = [];
        try
        {
            await WaitUntilAsync(async () =>
            {
                var idle = Pool.IdleIds.ToHashSet();
                extra = (await ContainersOfAsync(Docker, Identity.Id)).Where(c => !idle.Contains(c.ID)).ToList();
                return Pool.IsFull && extra.Count == 0;
            }, TimeSpan.FromSeconds(60), "only idle pool containers remain");
        }
        catch (TimeoutException)
        {
            // Fall through: the caller's Assert.Empty shows what was left.
        }
        return extra;
    }

    internal static async Task<IList<ContainerListResponse>> ContainersOfAsync(IDockerClient docker, string runnerId) =>
        await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{SandboxLabels.Runner}={runnerId}"] = true },
            },
        });

    /// Waits for a condition without fixed sleeps beyond a short poll; fails after the timeout.
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<RunnerFixture>
{
    public const string Name = "docker";
}
