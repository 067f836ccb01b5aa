using System.Threading.RateLimiting;

namespace LearningPlatform.ServiceDefaults.RateLimiting;

public static class TokenBuckets
{
    /// <summary>
    /// A bucket of <paramref name="burst"/> tokens refilled at <paramref name="perMinute"/>, a token at a time rather
    /// than a minute's worth at once; faster than one per 100 ms (the partitioned limiters' replenishing tick), a few
    /// per tick. No queue: over the limit is refused at once.
    /// </summary>
    public static TokenBucketRateLimiterOptions PerMinute(int burst, int perMinute)
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks / perMinute, TimeSpan.FromMilliseconds(100).Ticks));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = (int)Math.Ceiling(perMinute * period.TotalMinutes),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
        };
    }
}
