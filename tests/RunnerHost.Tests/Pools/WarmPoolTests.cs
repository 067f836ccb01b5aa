using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Execution;
using LearningPlatform.RunnerHost.Pools;
using LearningPlatform.RunnerHost.Tests.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.RunnerHost.Tests.Pools;

[Collection(DockerCollection.Name)]
public sealed class WarmPoolTests(RunnerFixture fx)
{
    private static readonly RunFile[] Files = [new("add.py", PythonRunTests.Solution), new("test_add.py", PythonRunTests.Tests, true)];

    [Fact]
    public async Task A_run_takes_a_ready_warm_container_which_is_then_replaced_never_reused()
    {
        await fx.Pool.Filled.WaitAsync(TimeSpan.FromMinutes(2));
        await RunnerFixture.WaitUntilAsync(() => Task.FromResult(fx.Pool.IsFull), TimeSpan.FromMinutes(1), "the pool is full");
        var before = fx.Pool.IdleIds.ToHashSet();

        var (r, events) = await fx.RunAsync(RunLanguage.Python, Files);

        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.True(events.OfType<RunStarted>().Single().Warm);
        Assert.Empty(await fx.RunContainersAsync());
        var after = fx.Pool.IdleIds.ToHashSet();
        // The Python container that ran is gone; a new one took its place.
        Assert.Single(before.Except(after));
        Assert.Single(after.Except(before));
    }

    [Fact]
    public async Task A_trial_run_leaves_the_last_warm_container_to_learners()
    {
        // The fixture pools one container per language, and one is kept for learners' runs by default.
        await fx.Pool.Filled.WaitAsync(TimeSpan.FromMinutes(2));
        await RunnerFixture.WaitUntilAsync(() => Task.FromResult(fx.Pool.IsFull), TimeSpan.FromMinutes(1), "the pool is full");
        var before = fx.Pool.IdleIds.ToHashSet();

        var (trial, trialEvents) = await RunnerFixture.RunAsync(fx.Executor, new RunRequest(
            Guid.NewGuid().ToString("N"), "author-" + Guid.NewGuid().ToString("N")[..8], RunLanguage.Python, Files, DateTimeOffset.UtcNow, Mode: RunMode.Trial));

        Verdicts.Expect(RunVerdict.Passed, trial.Result);
        Assert.False(trialEvents.OfType<RunStarted>().Single().Warm);
        Assert.Subset(fx.Pool.IdleIds.ToHashSet(), before); // the warm container is still there
        var (learner, learnerEvents) = await fx.RunAsync(RunLanguage.Python, Files);
        Verdicts.Expect(RunVerdict.Passed, learner);
        Assert.True(learnerEvents.OfType<RunStarted>().Single().Warm);
    }

    [Fact]
    public async Task Stopping_while_the_pool_fills_leaves_no_container()
    {
        using var host = RunnerFixture.BuildHost(new Dictionary<string, string?> { ["Runner:Pools:Size"] = "2", ["Runner:Pools:FillConcurrency"] = "4" });
        var identity = host.Services.GetRequiredService<LearningPlatform.RunnerHost.Sandbox.RunnerIdentity>();
        var docker = host.Services.GetRequiredService<Docker.DotNet.IDockerClient>();
        await host.StartAsync();
        // Stop as soon as the first containers exist, while others are still being created and warming up.
        await RunnerFixture.WaitUntilAsync(async () => (await RunnerFixture.ContainersOfAsync(docker, identity.Id)).Count > 0,
            TimeSpan.FromMinutes(1), "the pool started creating containers");
        await host.StopAsync();

        Assert.Empty(await RunnerFixture.ContainersOfAsync(docker, identity.Id));
    }

    [Fact]
    public async Task Pools_off_starts_every_run_cold()
    {
        using var host = RunnerFixture.BuildHost(new Dictionary<string, string?> { ["Runner:Pools:Size"] = "0" });
        await host.StartAsync();
        try
        {
            var (r, events) = await RunnerFixture.RunAsync(host.Services.GetRequiredService<RunExecutor>(), RunLanguage.Python, "cold-user", Files);
            Verdicts.Expect(RunVerdict.Passed, r);
            Assert.False(events.OfType<RunStarted>().Single().Warm);
            Assert.Empty(host.Services.GetRequiredService<WarmPool>().IdleIds);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
