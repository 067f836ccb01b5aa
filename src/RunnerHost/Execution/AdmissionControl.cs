using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Execution;

public sealed class AdmissionOptions
{
    public const string SectionName = "Runner:Admission";

    /// Runs executing at once on this runner.
    [Range(1, 256)] public int MaxConcurrentRuns { get; set; } = 4;

    /// Runs admitted and waiting for a slot; beyond it new runs are rejected.
    [Range(0, 100_000)] public int MaxQueuedRuns { get; set; } = 64;

    /// Runs of one user queued or executing at once; beyond it the user's new runs are rejected.
    [Range(1, 1000)] public int MaxRunsPerUser { get; set; } = 2;
}

/// A bounded queue in front of a fixed number of run slots, with a per-user limit. Over a limit: rejected at once.
internal sealed class AdmissionControl(IOptions<AdmissionOptions> options)
{
    private readonly AdmissionOptions _o = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRuns);
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public bool HasRoom
    {
        get
        {
            lock (_lock)
            {
                return _waiting < _o.MaxQueuedRuns || _slots.CurrentCount > 0;
            }
        }
    }

    /// Null lease + reason when rejected. Dispose the lease when the run is over.
    public async Task<(IDisposable? Lease, string? Reason)> EnterAsync(string userId, CancellationToken ct)
    {
        lock (_lock)
        {
            _perUser.TryGetValue(userId, out var n);
            if (n >= _o.MaxRunsPerUser)
            {
                return (null, $"too many runs at once for this user (limit {_o.MaxRunsPerUser})");
            }
            if (_waiting >= _o.MaxQueuedRuns && _slots.CurrentCount == 0)
            {
                return (null, $"the run queue is full ({_o.MaxQueuedRuns} waiting)");
            }
            _perUser[userId] = n + 1;
            _waiting++;
        }
        try
        {
            await _slots.WaitAsync(ct);
        }
        catch
        {
            Leave(userId, slot: false);
            throw;
        }
        lock (_lock)
        {
            _waiting--;
        }
        return (new Lease(this, userId), null);
    }

    private void Leave(string userId, bool slot)
    {
        lock (_lock)
        {
            if (!slot)
            {
                _waiting--;
            }
            if (_perUser.TryGetValue(userId, out var n) && n <= 1)
            {
                _perUser.Remove(userId);
            }
            else
            {
                _perUser[userId] = n - 1;
            }
        }
        if (slot)
        {
            _slots.Release();
        }
    }

    private sealed class Lease(AdmissionControl owner, string userId) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Leave(userId, slot: true);
            }
        }
    }
}
