using LearningPlatform.RunnerHost.Execution;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Tests.Execution;

public sealed class AdmissionControlTests
{
    private static AdmissionControl Create(int slots, int queue, int perUser) =>
        new(Options.Create(new AdmissionOptions { MaxConcurrentRuns = slots, MaxQueuedRuns = queue, MaxRunsPerUser = perUser }));

    [Fact]
    public async Task A_user_over_the_limit_is_rejected_and_admitted_again_after_a_run_ends()
    {
        var a = Create(slots: 4, queue: 10, perUser: 2);
        var (l1, _) = await a.EnterAsync("u", CancellationToken.None);
        var (l2, _) = await a.EnterAsync("u", CancellationToken.None);
        var (l3, reason) = await a.EnterAsync("u", CancellationToken.None);

        Assert.NotNull(l1);
        Assert.NotNull(l2);
        Assert.Null(l3);
        Assert.Contains("too many runs", reason);
        var (other, _) = await a.EnterAsync("v", CancellationToken.None);
        Assert.NotNull(other);

        l1!.Dispose();
        var (l4, _) = await a.EnterAsync("u", CancellationToken.None);
        Assert.NotNull(l4);
    }

    [Fact]
    public async Task A_full_queue_rejects_and_a_freed_slot_admits_the_next_waiter()
    {
        var a = Create(slots: 1, queue: 1, perUser: 10);
        var (running, _) = await a.EnterAsync("a", CancellationToken.None);
        var waiting = a.EnterAsync("b", CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        var (rejected, reason) = await a.EnterAsync("c", CancellationToken.None);
        Assert.Null(rejected);
        Assert.Contains("queue is full", reason);

        running!.Dispose();
        var (admitted, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(admitted);
    }
}
