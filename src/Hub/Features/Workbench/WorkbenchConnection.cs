using System.Threading.RateLimiting;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// What the hub keeps per connection, in one small object (thousands of connections are held at once): who it is,
/// its edit rate limit, the sessions it opened and the sessions it watches. A connection's hub calls run one at a
/// time (SignalR's default), the disconnect after all of them, so the lists need no lock.
/// </summary>
internal sealed class WorkbenchConnection(string userId, WorkbenchOptions options) : IDisposable
{
    public static readonly object Key = new();

    // Replenished on use instead of by a timer per connection.
    private readonly TokenBucketRateLimiter _edits = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.EditBurst,
        TokensPerPeriod = options.EditsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    public string UserId { get; } = userId;

    /// <summary>Sessions opened (or resumed) on this connection: the ones it may edit and run.</summary>
    public List<string> Opened { get; } = new(1);

    /// <summary>Sessions this connection watches, to forget in Redis when it goes.</summary>
    public List<string> Watching { get; } = [];

    /// <summary>Courses whose dashboard this connection watches, to forget in Redis when it goes.</summary>
    public List<string> Dashboards { get; } = [];

    public bool TryTakeEdit()
    {
        _edits.TryReplenish();
        using var lease = _edits.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose() => _edits.Dispose();
}
