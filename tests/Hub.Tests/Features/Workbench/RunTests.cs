using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// Run and Submit post the session's files to Services, and the hub relays the run's events from the run's Redis
/// stream to the learner. RunnerHost is not part of this test: the test writes the run's events to the run's Redis
/// stream the way the runner does.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class RunTests(WorkbenchFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_posts_the_files_and_relays_each_event_until_finished_then_stores_the_result(bool messagePack)
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token, messagePack: messagePack);
        var events = new Inbox<RunEventMessage>(learner, "RunEvent");
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(WorkbenchFixture.StarterText.Length - 1, 1, "a + b") });

        var runId = await learner.InvokeAsync<string>("Run", session.SessionId);

        using var http = fixture.Platform.Client(token);
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
        Assert.Equal("queued", run.GetProperty("status").GetString());
        Assert.Equal("run", run.GetProperty("mode").GetString());
        var now = DateTimeOffset.UtcNow;
        var result = new RunResult(runId, 3, TestStatus.Pass, null, [new TestResult("test_add", TestStatus.Pass)], RunVerdict.Passed, [],
            new RunTimings(1, 0, 2, 3), new ResourceUsage(null, null, null), ExerciseId: fixture.ExerciseId);
        await fixture.WriteRunEventsAsync(runId,
            new RunAccepted(runId, 1, now),
            new TestStarted(runId, 2, now, "test_add"),
            new TestFinished(runId, 3, now, new TestResult("test_add", TestStatus.Pass)),
            new RunFinished(runId, 4, now, result));

        var received = new List<RunEventMessage>();
        for (var i = 0; i < 4; i++)
        {
            received.Add(await events.NextAsync(e => e.RunId == runId));
        }

        Assert.Equal(["accepted", "test_started", "test_finished", "finished"], received.Select(e => e.Type));
        Assert.Equal([1L, 2L, 3L, 4L], received.Select(e => e.Sequence));
        Assert.All(received, e => Assert.Equal(session.SessionId, e.SessionId));
        var test = Assert.IsType<TestFinished>(received[2].Parse()).Test;
        Assert.Equal(("test_add", TestStatus.Pass), (test.Name, test.Status));
        Assert.Equal(RunVerdict.Passed, Assert.IsType<RunFinished>(received[3].Parse()).Result.Verdict);

        var lastRun = await WaitForLastRunAsync(learner, r => r.RunId == runId && r.Status == "finished");
        Assert.Equal(("passed", 1, 1), (lastRun.Verdict, lastRun.Passed, lastRun.Total));
    }

    [Fact]
    public async Task The_run_relay_stopped_after_it_was_disposed_does_not_throw()
    {
        using var hub = fixture.Platform.NewHub(new() { ["Diagnostics:WarmUpOnStart"] = "false" });
        var relay = hub.Services.GetRequiredService<LearningPlatform.Hub.Features.Workbench.RunRelay>();

        relay.Dispose();
        var error = await Record.ExceptionAsync(() => relay.StopAsync(CancellationToken.None));

        Assert.Null(error);
    }

    [Fact]
    public async Task Submit_posts_a_submit_and_the_concurrent_run_limit_holds_until_one_is_cancelled()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        var first = await learner.InvokeAsync<string>("Submit", session.SessionId);
        var second = await learner.InvokeAsync<string>("Run", session.SessionId);
        var third = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<string>("Run", session.SessionId));

        using var http = fixture.Platform.Client(token);
        Assert.Equal("submit", (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{first}")).GetProperty("mode").GetString());
        Assert.Contains("2 runs going", third.Message);
        Assert.True(await learner.InvokeAsync<bool>("CancelRun", second));
        Assert.False(await learner.InvokeAsync<bool>("CancelRun", second)); // already over
        var lastRun = await WaitForLastRunAsync(learner, r => r.RunId == second);
        Assert.Equal("cancelled", lastRun.Status);
        var fourth = await learner.InvokeAsync<string>("Run", session.SessionId);
        Assert.NotEqual(first, fourth);
        await learner.InvokeAsync<bool>("CancelRun", first);
        await learner.InvokeAsync<bool>("CancelRun", fourth);
    }

    [Fact]
    public async Task A_run_outlives_the_hub_that_relayed_it_and_the_hub_the_learner_resumes_on_takes_over()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        string runId;
        SessionSnapshot session;
        using (var doomed = fixture.Platform.NewHub(new() { ["Diagnostics:WarmUpOnStart"] = "false" }))
        {
            await using var before = await fixture.ConnectAsync(token, doomed);
            session = await before.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
            runId = await before.InvokeAsync<string>("Submit", session.SessionId);
        }

        await using var learner = await fixture.ConnectAsync(token);
        var events = new Inbox<RunEventMessage>(learner, "RunEvent");
        var resumed = await learner.InvokeAsync<ResumeResult>("Resume", session.SessionId, 0L);
        Assert.Equal(session.SessionId, resumed.SessionId);
        var now = DateTimeOffset.UtcNow;
        var result = new RunResult(runId, 3, TestStatus.Fail, null, [new TestResult("test_add", TestStatus.Fail, "assert 0 == 3")], RunVerdict.Failed, [],
            new RunTimings(1, 0, 2, 3), new ResourceUsage(null, null, null));
        await fixture.WriteRunEventsAsync(runId, new RunAccepted(runId, 1, now), new RunFinished(runId, 2, now, result));

        var finished = await events.NextAsync(e => e.RunId == runId && e.Type == "finished");

        Assert.Equal(session.SessionId, finished.SessionId);
        var lastRun = await WaitForLastRunAsync(learner, r => r.RunId == runId && r.Status == "finished");
        Assert.Equal(("submit", "failed", 0, 1), (lastRun.Mode, lastRun.Verdict, lastRun.Passed, lastRun.Total));
    }

    // The result is stored right after the last event is relayed: look until it is there.
    private async Task<LastRun> WaitForLastRunAsync(HubConnection learner, Func<LastRun, bool> match)
    {
        using var cts = new CancellationTokenSource(Inbox<object>.Timeout);
        while (true)
        {
            var snapshot = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId, cts.Token);
            if (snapshot.LastRun is { } run && match(run))
            {
                return run;
            }

            await Task.Delay(20, cts.Token);
        }
    }
}
