using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.ServiceDefaults.Events;

public sealed class EventBusOptions
{
    public const string SectionName = "Events";

    /// <summary>Consumer group of this process's kind (one group per service: each event reaches each service once).</summary>
    [Required, RegularExpression("^[a-z][a-z0-9-]{0,47}$")]
    public string Group { get; set; } = "default";

    /// <summary>Approximate most entries kept per stream.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxStreamLength { get; set; } = 100_000;

    /// <summary>How often events waiting in a service's outbox (Redis was down) are tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OutboxRelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Entries read at once.</summary>
    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Longest one blocking read of an event stream waits (an event wakes it at once); also how late a
    /// look at pending entries can come.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan ReadBlock { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an entry may stay unacknowledged before another consumer claims it (its consumer is presumed
    /// dead); pending entries are looked at every half of it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ClaimIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries of one entry before it is moved to the stream's dead-letter stream.</summary>
    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How long a handled event id is remembered, so a redelivered event has no second effect.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromDays(7);
}
