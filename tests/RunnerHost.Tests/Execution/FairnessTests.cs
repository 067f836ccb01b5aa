using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// The issue's scenario on real Docker: users flooding the runner with endless runs, and another learner's correct
/// run. Four slots, two runs per user, as RunnerHost's defaults. The endless runs sleep rather than spin: what they
/// hold is a slot, and this machine's two cores are shared. The floods' exercise limits their time to 3 s; the
/// learner's run has the runner's own (generous: a cold sandbox on a loaded machine is slow).
[Collection(DockerCollection.Name)]
public sealed class FairnessTests(ITestOutputHelper output)
{
    private const int TimeoutMs = 3000;

    private static IHost Host() => RunnerFixture.BuildHost(new Dictionary<string, string?>
    {
        ["Runner:Admission:MaxConcurrentRuns"] = "4",
        ["Runner:Admission:MaxRunsPerUser"] = "2",
        ["Runner:Admission:SlotsKeptFree"] = "1",
        ["Runner:Sandbox:TimeoutMs"] = "20000",
        ["Runner:Sandbox:KillGraceMs"] = "2000",
        ["Runner:Pools:Size"] = "2",
        ["Runner:Pools:Languages:0"] = "Python",
    });

    private static readonly RunFile[] Endless =
    [
        new("loop.py", "import time\n\ndef spin():\n    while True:\n        time.sleep(0.05)\n"),
        new("test_loop.py", "from loop import spin\n\ndef test_forever():\n    spin()\n", true),
    ];

    private static readonly RunFile[] Correct =
    [
        new("add.py", PythonRunTests.Solution),
        new("test_add.py", "from add import add\n\ndef test_add():\n    assert add(2, 3) == 5\n", true),
    ];

    private static RunRequest Request(string user, RunFile[] files) =>
        new(Guid.NewGuid().ToString("N"), user, RunLanguage.Python, files, DateTimeOffset.UtcNow,
            Limits: files == Endless ? new RunLimits(TimeMs: TimeoutMs) : null);

    /// When the run got its slot: submitted + queued (the runner's own account of the wait for admission).
    private static DateTimeOffset Admitted(RunRequest request, RunResult result) => request.SubmittedAt.AddMilliseconds(result.Timings.QueuedMs);

    [Fact]
    public async Task With_fewer_flooding_users_than_slots_another_learners_run_starts_at_once()
    {
        using var host = Host();
        await host.StartAsync();
        try
        {
            var executor = host.Services.GetRequiredService<LearningPlatform.RunnerHost.Execution.RunExecutor>();
            var floods = new List<(RunRequest Request, Task<(RunCompleted Completed, List<RunEvent> Events)> Run)>();
            foreach (var user in new[] { "flood-a", "flood-b" })
            {
                for (var i = 0; i < 2; i++)
                {
                    var request = Request(user, Endless);
                    floods.Add((request, RunnerFixture.RunAsync(executor, request)));
                }
            }
            // The floods are in (taken off the queue and admitted or waiting) before the learner comes.
            await Task.Delay(300);

            var learner = Request("learner", Correct);
            var (completed, _) = await RunnerFixture.RunAsync(executor, learner);
            var learnerDone = DateTimeOffset.UtcNow;

            Verdicts.Expect(RunVerdict.Passed, completed.Result);
            output.WriteLine($"[bench] fairness, 2 flooding users x 2 endless runs, 4 slots: learner queued {completed.Result.Timings.QueuedMs} ms, " +
                $"submit -> verdict {(learnerDone - learner.SubmittedAt).TotalMilliseconds:F0} ms");
            Assert.True(completed.Result.Timings.QueuedMs < 1000, $"queued {completed.Result.Timings.QueuedMs} ms");
            var results = await Task.WhenAll(floods.Select(f => f.Run));
            Assert.All(results, r => Assert.Equal(RunVerdict.Timeout, r.Completed.Result.Verdict));
            // It had its slot before any flood could have given one back: it took a free one.
            Assert.True(Admitted(learner, completed.Result) < floods.Zip(results).Min(f => Admitted(f.First.Request, f.Second.Completed.Result)).AddMilliseconds(TimeoutMs));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task With_more_flooding_users_than_slots_another_learners_run_is_next_in_line()
    {
        using var host = Host();
        await host.StartAsync();
        try
        {
            var executor = host.Services.GetRequiredService<LearningPlatform.RunnerHost.Execution.RunExecutor>();
            var firsts = new List<(RunRequest Request, Task<(RunCompleted Completed, List<RunEvent> Events)> Run)>();
            var seconds = new List<(RunRequest Request, Task<(RunCompleted Completed, List<RunEvent> Events)> Run)>();
            foreach (var user in new[] { "flood-1", "flood-2", "flood-3", "flood-4", "flood-5" })
            {
                var first = Request(user, Endless);
                firsts.Add((first, RunnerFixture.RunAsync(executor, first)));
                var second = Request(user, Endless);
                seconds.Add((second, RunnerFixture.RunAsync(executor, second)));
            }
            await Task.Delay(300);

            var learner = Request("learner", Correct);
            var (completed, _) = await RunnerFixture.RunAsync(executor, learner);
            var admitted = Admitted(learner, completed.Result);

            Verdicts.Expect(RunVerdict.Passed, completed.Result);
            var firstResults = await Task.WhenAll(firsts.Select(f => f.Run));
            var secondResults = await Task.WhenAll(seconds.Select(f => f.Run));
            var firstAdmitted = firsts.Zip(firstResults).Select(f => Admitted(f.First.Request, f.Second.Completed.Result)).ToList();
            var secondAdmitted = seconds.Zip(secondResults).Select(f => Admitted(f.First.Request, f.Second.Completed.Result)).ToList();
            output.WriteLine($"[bench] fairness, 5 flooding users x 2 endless runs, 4 slots: learner queued {completed.Result.Timings.QueuedMs} ms " +
                $"(one endless run: {TimeoutMs} ms); flooders' second runs queued {string.Join(", ", secondResults.Select(r => r.Completed.Result.Timings.QueuedMs))} ms");
            // Next in line: the only runs given a slot between the learner's submission and its own are first runs of
            // flooders who had none yet (they came earlier); no flooder got a second run before it.
            var between = firsts.Zip(firstAdmitted).Select(f => (f.First.Request, At: f.Second, First: true))
                .Concat(seconds.Zip(secondAdmitted).Select(f => (f.First.Request, At: f.Second, First: false)))
                .Where(f => f.At > learner.SubmittedAt && f.At < admitted).ToList();
            Assert.All(between, f => Assert.True(f.First, $"{f.Request.UserId}'s second run got a slot before the learner"));
            Assert.All(between, f => Assert.True(f.Request.SubmittedAt < learner.SubmittedAt));
            Assert.Contains(secondAdmitted, t => t > admitted); // and some flooders' second runs did wait for it
            // ... within one endless run of the slots being full: the first slot given back.
            Assert.True(completed.Result.Timings.QueuedMs < 2 * TimeoutMs + 4000, $"queued {completed.Result.Timings.QueuedMs} ms");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
