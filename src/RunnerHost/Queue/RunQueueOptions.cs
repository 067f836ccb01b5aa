using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.RunnerHost.Queue;

public sealed class RunQueueOptions
{
    public const string SectionName = "Runner:Queue";

    /// Consume runs:requests (Redis connection and key prefix: the "Redis" section of ServiceDefaults).
    /// Off, the executor is still usable in process (tests, benchmark).
    public bool Enabled { get; set; } = true;

    /// Consumer name in the group; default: this runner's identity.
    public string? ConsumerName { get; set; }

    /// Entries pending longer than this are taken over from a dead runner (XAUTOCLAIM). Live runners refresh the
    /// idle time of their in-flight entries every third of it, so it only needs to exceed a heartbeat gap.
    [Range(1000, 3_600_000)] public int ReclaimIdleMs { get; set; } = 30_000;

    [Range(100, 600_000)] public int ReclaimIntervalMs { get; set; } = 5_000;

    /// Longest one blocking read of the request stream waits (a request wakes it at once, on a connection of its own).
    [Range(10, 10_000)] public int BlockMs { get; set; } = 1000;

    [Range(1, 1000)] public int ReadBatch { get; set; } = 16;

    /// A request delivered more often than this (runner crashes on it) is answered with internal_error.
    [Range(1, 100)] public int MaxDeliveries { get; set; } = 3;

    [Range(10, 1_000_000)] public int EventsMaxLength { get; set; } = 1000;
    [Range(10, 30 * 86_400)] public int EventsTtlSeconds { get; set; } = 3600;

    /// How long a finished run's result waits for Redis to come back before the runner gives up on writing it (the
    /// request then stays pending and runs again elsewhere).
    [Range(1, 3600)] public int OutageRetrySeconds { get; set; } = 120;
}
