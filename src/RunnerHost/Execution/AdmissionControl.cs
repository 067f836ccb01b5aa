using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Execution;

public sealed class AdmissionOptions : IValidatableObject
{
    public const string SectionName = "Runner:Admission";

    /// Runs executing at once on this runner.
    [Range(1, 256)] public int MaxConcurrentRuns { get; set; } = 4;

    /// Runs admitted and waiting for a slot; beyond it new runs are rejected.
    [Range(0, 100_000)] public int MaxQueuedRuns { get; set; } = 64;

    /// Runs of one user queued or executing at once; beyond it the user's new runs are rejected.
    [Range(1, 1000)] public int MaxRunsPerUser { get; set; } = 2;

    /// Authors' trial runs (saving, validating, importing exercises) of one user queued or executing at once, counted
    /// apart from <see cref="MaxRunsPerUser"/>: an import validates several exercises side by side. They wait in the
    /// user's lane like any run, so while others wait they hold one slot, and they use idle slots otherwise.
    [Range(1, 1000)] public int MaxTrialRunsPerUser { get; set; } = 8;

    /// A user who already holds a slot is given another only while no user without one waits and more than this
    /// many slots stay free: a learner arriving then starts at once instead of waiting behind someone's second run.
    /// 0 lets one user fill every slot while nobody else waits.
    [Range(0, 255)] public int SlotsKeptFree { get; set; } = 1;

    /// Runs one user may start per minute on this runner (a token bucket holding <see cref="RunBurstPerUser"/>);
    /// 0 turns the limit off. Authors' trial runs (saving, importing exercises) do not count.
    [Range(0, 100_000)] public int RunsPerUserPerMinute { get; set; } = 60;

    [Range(1, 10_000)] public int RunBurstPerUser { get; set; } = 30;

    /// Accounts younger than this (the <c>created</c> claim of the submitter's token, carried on the run request)
    /// share one lane of the round-robin, so registering accounts buys no more than one lane's share, whatever their
    /// number; each keeps its own limits. Zero: every account its own lane.
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")] public TimeSpan NewAccountAge { get; set; } = TimeSpan.FromDays(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SlotsKeptFree >= MaxConcurrentRuns)
        {
            yield return new ValidationResult(
                $"Runner:Admission:SlotsKeptFree ({SlotsKeptFree}) must be below MaxConcurrentRuns ({MaxConcurrentRuns}).", [nameof(SlotsKeptFree)]);
        }
    }
}

/// <summary>
/// A fixed number of run slots shared fairly between lanes: each user is a lane, except that accounts younger than
/// <see cref="AdmissionOptions.NewAccountAge"/> share one. Runs wait per lane; a freed slot goes to the lane holding
/// the fewest slots, and among those to the one served longest ago (round-robin; lanes not yet served first, in
/// order of arrival); within a lane, to the user served longest ago, each user's runs in order. While a lane without
/// a slot waits, no lane gets a second one, and a second one is given only when
/// <see cref="AdmissionOptions.SlotsKeptFree"/> slots stay free for whoever comes next. Over a limit (the user's
/// runs, the queue, the user's rate): rejected at once, with the reason.
/// </summary>
internal sealed class AdmissionControl(IOptions<AdmissionOptions> options, TimeProvider time)
{
    /// The lane that accounts younger than <see cref="AdmissionOptions.NewAccountAge"/> share.
    public const string NewAccountsLane = "\0new-accounts";

    private readonly AdmissionOptions _o = options.Value;
    private readonly Dictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _free = options.Value.MaxConcurrentRuns;
    private int _waiting;
    private long _turn;

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting;
            }
        }
    }

    /// Slots running right now.
    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _o.MaxConcurrentRuns - _free;
            }
        }
    }

    /// How many more runs would be admitted to wait or start now (how many the queue's reader takes).
    public int Room
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(0, _o.MaxQueuedRuns - _waiting) + _free;
            }
        }
    }

    /// Completes when a run ends or leaves the queue (room may have come), or after a second.
    public async Task WaitForRoomAsync(CancellationToken ct)
    {
        Task changed;
        lock (_lock)
        {
            changed = _roomChanged.Task;
        }
        await changed.WaitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
    }

    private TaskCompletionSource _roomChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// Under the lock.
    private void SignalRoom()
    {
        _roomChanged.TrySetResult();
        _roomChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// The lane of a user whose account was created at <paramref name="accountCreatedAt"/> (null: unknown, an
    /// established account).
    public string LaneOf(string userId, DateTimeOffset? accountCreatedAt) =>
        accountCreatedAt is { } created && _o.NewAccountAge > TimeSpan.Zero && time.GetUtcNow() - created < _o.NewAccountAge
            ? NewAccountsLane
            : userId;

    /// Null lease + reason when rejected. Dispose the lease when the run is over. <paramref name="trial"/>: an author's
    /// trial run, which does not count against the user's rate and has a limit of its own
    /// (<see cref="AdmissionOptions.MaxTrialRunsPerUser"/>).
    public async Task<(Lease? Lease, string? Reason)> EnterAsync(string userId, CancellationToken ct, bool trial = false,
        DateTimeOffset? accountCreatedAt = null)
    {
        var waiter = new Waiter(userId, LaneOf(userId, accountCreatedAt), trial);
        lock (_lock)
        {
            var user = User(userId);
            if (trial ? user.Trials >= _o.MaxTrialRunsPerUser : user.Runs >= _o.MaxRunsPerUser)
            {
                Forget(user);
                return (null, trial
                    ? $"too many trial runs at once for this user (limit {_o.MaxTrialRunsPerUser})"
                    : $"too many runs at once for this user (limit {_o.MaxRunsPerUser})");
            }
            if (_waiting >= _o.MaxQueuedRuns && _free == 0)
            {
                Forget(user);
                return (null, $"the run queue is full ({_o.MaxQueuedRuns} waiting)");
            }
            if (!trial && !user.TryTakeToken(_o, time.GetTimestamp(), time, out var retryAfter))
            {
                Forget(user);
                return (null, $"too many runs for this user: at most {_o.RunsPerUserPerMinute} a minute; try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s");
            }
            user.Count(trial, +1);
            LaneFor(waiter.LaneKey).Queue.AddLast(waiter.Node);
            _waiting++;
            Pump();
        }
        if (!waiter.Started.Task.IsCompleted)
        {
            await using var onCancel = ct.Register(() => Cancel(waiter));
            await waiter.Started.Task;
        }
        return (new Lease(this, waiter), null);
    }

    private UserState User(string userId)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            _users[userId] = user = new UserState(userId);
        }
        return user;
    }

    private Lane LaneFor(string key)
    {
        if (!_lanes.TryGetValue(key, out var lane))
        {
            _lanes[key] = lane = new Lane(key, ++_turn);
        }
        return lane;
    }

    /// Drops a user with nothing running or waiting whose bucket is full again: it holds nothing worth keeping.
    private void Forget(UserState user)
    {
        if (user.Runs == 0 && user.Trials == 0 && user.BucketFull(_o, time.GetTimestamp(), time))
        {
            _users.Remove(user.UserId);
        }
    }

    private void Forget(Lane lane)
    {
        if (lane.Running == 0 && lane.Queue.Count == 0)
        {
            _lanes.Remove(lane.Key);
        }
    }

    /// Gives free slots to waiting runs, fairest first. Under the lock.
    private void Pump()
    {
        while (_free > 0 && _waiting > 0)
        {
            var lane = NextLane();
            if (lane is null)
            {
                return;
            }
            var node = lane.Next();
            lane.Queue.Remove(node);
            _waiting--;
            _free--;
            lane.Running++;
            lane.LastServed = ++_turn;
            lane.UsersServed[node.Value.UserId] = _turn;
            node.Value.AdmittedAt = time.GetUtcNow();
            node.Value.Started.TrySetResult();
        }
    }

    private Lane? NextLane()
    {
        Lane? best = null;
        foreach (var lane in _lanes.Values)
        {
            if (lane.Queue.Count == 0)
            {
                continue;
            }
            if (best is null || (lane.Running, lane.LastServed, lane.Arrived).CompareTo((best.Running, best.LastServed, best.Arrived)) < 0)
            {
                best = lane;
            }
        }
        // Every lane waiting already runs something: a second slot only while enough stay free for a newcomer.
        return best is { Running: > 0 } && _free <= _o.SlotsKeptFree ? null : best;
    }

    private void Cancel(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node.List is null || !_lanes.TryGetValue(waiter.LaneKey, out var lane))
            {
                return; // started meanwhile: the caller gets its lease and disposes it
            }
            lane.Queue.Remove(waiter.Node);
            _waiting--;
            Forget(lane);
            if (_users.TryGetValue(waiter.UserId, out var user))
            {
                user.Count(waiter.Trial, -1);
                Forget(user);
            }
            SignalRoom();
        }
        waiter.Started.TrySetCanceled();
    }

    private void Leave(Waiter waiter)
    {
        lock (_lock)
        {
            _free++;
            if (_lanes.TryGetValue(waiter.LaneKey, out var lane))
            {
                lane.Running--;
                Forget(lane);
            }
            if (_users.TryGetValue(waiter.UserId, out var user))
            {
                user.Count(waiter.Trial, -1);
                Forget(user);
            }
            Pump();
            SignalRoom();
        }
    }

    internal sealed class Waiter
    {
        public Waiter(string userId, string laneKey, bool trial)
        {
            UserId = userId;
            LaneKey = laneKey;
            Trial = trial;
            Node = new LinkedListNode<Waiter>(this);
        }

        public string UserId { get; }
        public string LaneKey { get; }
        public bool Trial { get; }
        public DateTimeOffset AdmittedAt { get; set; }
        public LinkedListNode<Waiter> Node { get; }
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// One lane of the round-robin: a user, or the accounts that share one.
    private sealed class Lane(string key, long arrived)
    {
        public readonly string Key = key;
        public readonly LinkedList<Waiter> Queue = new();
        public readonly long Arrived = arrived;
        public readonly Dictionary<string, long> UsersServed = new(StringComparer.Ordinal);
        public int Running;

        /// The turn this lane last got a slot; 0 = never: lanes not yet served go first, in order of arrival.
        public long LastServed;

        /// The waiting run of the user served longest ago in this lane (never first), the earliest of that user's.
        public LinkedListNode<Waiter> Next()
        {
            var best = Queue.First!;
            var bestServed = UsersServed.GetValueOrDefault(best.Value.UserId);
            for (var node = best.Next; node is not null && bestServed > 0; node = node.Next)
            {
                var served = UsersServed.GetValueOrDefault(node.Value.UserId);
                if (served < bestServed)
                {
                    (best, bestServed) = (node, served);
                }
            }
            if (Queue.Count == 1)
            {
                UsersServed.Clear(); // nothing else waits: forget who came when
            }
            return best;
        }
    }

    /// One user's runs (queued and running) and run rate.
    private sealed class UserState(string userId)
    {
        public readonly string UserId = userId;

        /// Runs queued or executing, and authors' trial runs apart.
        public int Runs, Trials;

        public void Count(bool trial, int delta)
        {
            if (trial)
            {
                Trials += delta;
            }
            else
            {
                Runs += delta;
            }
        }
        private double _tokens = double.NaN;
        private long _refilledAt;

        public bool TryTakeToken(AdmissionOptions o, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            retryAfter = TimeSpan.Zero;
            if (o.RunsPerUserPerMinute == 0)
            {
                return true;
            }
            Refill(o, now, time);
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }
            retryAfter = TimeSpan.FromMinutes((1 - _tokens) / o.RunsPerUserPerMinute);
            return false;
        }

        public bool BucketFull(AdmissionOptions o, long now, TimeProvider time)
        {
            if (o.RunsPerUserPerMinute == 0)
            {
                return true;
            }
            Refill(o, now, time);
            return _tokens >= o.RunBurstPerUser;
        }

        private void Refill(AdmissionOptions o, long now, TimeProvider time)
        {
            if (double.IsNaN(_tokens))
            {
                _tokens = o.RunBurstPerUser;
            }
            else
            {
                var minutes = time.GetElapsedTime(_refilledAt, now).TotalMinutes;
                _tokens = Math.Min(o.RunBurstPerUser, _tokens + minutes * o.RunsPerUserPerMinute);
            }
            _refilledAt = now;
        }
    }

    /// A slot held by a run: dispose it when the run is over.
    public sealed class Lease : IDisposable
    {
        private readonly AdmissionControl _owner;
        private readonly Waiter _waiter;
        private int _done;

        internal Lease(AdmissionControl owner, Waiter waiter) => (_owner, _waiter) = (owner, waiter);

        /// When the slot was given, under the admission's lock (the caller resumes later, on the thread pool).
        public DateTimeOffset AdmittedAt => _waiter.AdmittedAt;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                _owner.Leave(_waiter);
            }
        }
    }
}
