using LearningPlatform.RunnerHost.Execution;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Tests.Execution;

public sealed class AdmissionControlTests
{
    private readonly ManualClock _clock = new();

    private AdmissionControl Create(int slots, int queue, int perUser, int keptFree = 0, int perMinute = 0, int burst = 10, int trialsPerUser = 8) =>
        new(Options.Create(new AdmissionOptions
        {
            MaxConcurrentRuns = slots, MaxQueuedRuns = queue, MaxRunsPerUser = perUser, MaxTrialRunsPerUser = trialsPerUser, SlotsKeptFree = keptFree,
            RunsPerUserPerMinute = perMinute, RunBurstPerUser = burst,
        }), _clock);

    private static Task<(AdmissionControl.Lease? Lease, string? Reason)> Enter(AdmissionControl a, string user, bool trial = false) =>
        a.EnterAsync(user, CancellationToken.None, trial);

    [Fact]
    public async Task A_user_over_the_limit_is_rejected_and_admitted_again_after_a_run_ends()
    {
        var a = Create(slots: 4, queue: 10, perUser: 2);
        var (l1, _) = await Enter(a, "u");
        var (l2, _) = await Enter(a, "u");
        var (l3, reason) = await Enter(a, "u");

        Assert.NotNull(l1);
        Assert.NotNull(l2);
        Assert.Null(l3);
        Assert.Contains("too many runs", reason);
        var (other, _) = await Enter(a, "v");
        Assert.NotNull(other);

        l1!.Dispose();
        var (l4, _) = await Enter(a, "u");
        Assert.NotNull(l4);
    }

    [Fact]
    public async Task A_full_queue_rejects_and_a_freed_slot_admits_the_next_waiter()
    {
        var a = Create(slots: 1, queue: 1, perUser: 10);
        var (running, _) = await Enter(a, "a");
        var waiting = Enter(a, "b");
        Assert.False(waiting.IsCompleted);

        var (rejected, reason) = await Enter(a, "c");
        Assert.Null(rejected);
        Assert.Contains("queue is full", reason);

        running!.Dispose();
        var (admitted, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(admitted);
    }

    [Fact]
    public async Task With_fewer_flooding_users_than_slots_a_newcomer_starts_at_once()
    {
        // The scenario: two users with two endless runs each, four slots.
        var a = Create(slots: 4, queue: 64, perUser: 2, keptFree: 1);
        var a1 = Enter(a, "flood-a");
        var a2 = Enter(a, "flood-a");
        var b1 = Enter(a, "flood-b");
        var b2 = Enter(a, "flood-b");
        Assert.True(a1.IsCompleted && b1.IsCompleted);
        Assert.Equal(3, new[] { a1, a2, b1, b2 }.Count(t => t.IsCompleted)); // the fourth slot is kept

        var learner = Enter(a, "learner");

        Assert.True(learner.IsCompleted);
        Assert.Equal(4, a.Running);
        Assert.Equal(1, a.Waiting);
    }

    [Fact]
    public async Task With_more_flooding_users_than_slots_a_newcomer_is_next_in_line()
    {
        var a = Create(slots: 2, queue: 64, perUser: 2, keptFree: 1);
        var first = new List<Task<(AdmissionControl.Lease? Lease, string? Reason)>>();
        var second = new List<Task<(AdmissionControl.Lease? Lease, string? Reason)>>();
        foreach (var user in new[] { "f1", "f2", "f3" })
        {
            first.Add(Enter(a, user));
            second.Add(Enter(a, user));
        }
        var learner = Enter(a, "learner");
        Assert.Equal(2, first.Count(t => t.IsCompleted)); // f1, f2 run; f3 and every second run wait
        Assert.False(learner.IsCompleted);

        (await first[0]).Lease!.Dispose();

        // f3 has waited longer than the learner, but both hold nothing: f3 came first. Then the learner, before any
        // flooder's second run. (A slot is given at once; the waiting call returns on the thread pool.)
        await first[2].WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(learner.IsCompleted);
        (await first[1]).Lease!.Dispose();
        await learner.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, a.Running);
        Assert.All(second, t => Assert.False(t.IsCompleted));
    }

    [Fact]
    public async Task Queued_runs_are_served_round_robin_across_users()
    {
        var a = Create(slots: 1, queue: 64, perUser: 10);
        var (holder, _) = await Enter(a, "x");
        var order = new List<string>();
        var runs = new List<Task>();
        foreach (var (user, n) in new[] { ("a", 3), ("b", 3), ("c", 1) })
        {
            for (var i = 0; i < n; i++)
            {
                runs.Add(Enter(a, user).ContinueWith(t =>
                {
                    lock (order)
                    {
                        order.Add(user);
                    }
                    t.Result.Lease!.Dispose();
                }, TaskScheduler.Default));
            }
        }

        holder!.Dispose();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b", "c", "a", "b", "a", "b"], order);
    }

    [Fact]
    public async Task A_lone_user_may_use_every_slot_but_those_kept_free()
    {
        var a = Create(slots: 4, queue: 64, perUser: 10, keptFree: 1);
        var runs = Enumerable.Range(0, 5).Select(_ => Enter(a, "solo")).ToList();

        Assert.Equal(3, runs.Count(t => t.IsCompleted));
        (await runs[0]).Lease!.Dispose();
        await runs[3].WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, a.Running);
        Assert.False(runs[4].IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var a = Create(slots: 1, queue: 64, perUser: 10);
        var (holder, _) = await Enter(a, "x");
        using var cts = new CancellationTokenSource();
        var waiting = a.EnterAsync("y", cts.Token);
        Assert.Equal(1, a.Waiting);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, a.Waiting);
        holder!.Dispose();
        Assert.Equal(0, a.Running);
    }

    [Fact]
    public async Task The_per_user_rate_limit_rejects_beyond_the_burst_and_refills_with_time_trials_exempt()
    {
        var a = Create(slots: 4, queue: 64, perUser: 100, perMinute: 6, burst: 2);
        (await Enter(a, "u")).Lease!.Dispose();
        (await Enter(a, "u")).Lease!.Dispose();

        var (rejected, reason) = await Enter(a, "u");
        Assert.Null(rejected);
        Assert.Contains("at most 6 a minute", reason);
        Assert.NotNull((await Enter(a, "u", trial: true)).Lease); // an author's trial
        Assert.NotNull((await Enter(a, "v")).Lease); // another user has a bucket of their own

        _clock.Advance(TimeSpan.FromSeconds(10)); // one run's worth at 6 a minute
        Assert.NotNull((await Enter(a, "u")).Lease);
        Assert.Null((await Enter(a, "u")).Lease);
    }

    [Fact]
    public async Task Young_accounts_share_one_lane_so_registering_many_buys_one_share()
    {
        var a = new AdmissionControl(Options.Create(new AdmissionOptions
        {
            MaxConcurrentRuns = 4, MaxQueuedRuns = 64, MaxRunsPerUser = 2, SlotsKeptFree = 1, RunsPerUserPerMinute = 0,
            NewAccountAge = TimeSpan.FromDays(1),
        }), TimeProvider.System);
        var young = DateTimeOffset.UtcNow.AddHours(-1);
        // Ten fresh accounts, two endless runs each.
        var sybils = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            a.EnterAsync($"sybil-{i}", CancellationToken.None, accountCreatedAt: young),
            a.EnterAsync($"sybil-{i}", CancellationToken.None, accountCreatedAt: young),
        }).ToList();
        Assert.Equal(3, sybils.Count(t => t.IsCompleted)); // one lane: all but the slot kept free

        var established = await a.EnterAsync("learner", CancellationToken.None, accountCreatedAt: DateTimeOffset.UtcNow.AddDays(-30));
        var unknown = a.EnterAsync("other-learner", CancellationToken.None);

        Assert.NotNull(established.Lease); // started at once
        Assert.False(unknown.IsCompleted); // next in line: before any sybil's next run
        (await sybils.First(t => t.IsCompleted)).Lease!.Dispose();
        await unknown.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, sybils.Count(t => t.IsCompleted));
    }

    [Fact]
    public async Task Trial_runs_have_a_limit_of_their_own_and_yield_to_learners()
    {
        // An import validating exercises side by side: more trials than MaxRunsPerUser, on an otherwise idle runner.
        var a = Create(slots: 4, queue: 64, perUser: 2, keptFree: 1, trialsPerUser: 6);
        var trials = Enumerable.Range(0, 6).Select(_ => Enter(a, "author", trial: true)).ToList();
        Assert.Equal(3, trials.Count(t => t.IsCompleted)); // idle slots used, one kept free
        var (refused, reason) = await Enter(a, "author", trial: true);
        Assert.Null(refused);
        Assert.Contains("too many trial runs", reason);

        // The author's own run is counted apart from the trials: queued, not refused.
        var own = Enter(a, "author");
        Assert.False(own.IsCompleted);

        // A learner takes the slot kept free at once; the next learner gets the next slot a trial frees, before the
        // author's queued trials.
        Assert.NotNull((await Enter(a, "learner-1")).Lease);
        var second = Enter(a, "learner-2");
        Assert.False(second.IsCompleted);
        (await trials[0]).Lease!.Dispose();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, a.Running);
        Assert.Equal(4, a.Waiting); // three trials and the author's own run
    }

    [Fact]
    public void Slots_kept_free_must_be_below_the_slots()
    {
        var o = new AdmissionOptions { MaxConcurrentRuns = 2, SlotsKeptFree = 2 };
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o, new(o), errors, validateAllProperties: true));
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("SlotsKeptFree"));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
