using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>Limits of course imports (an archive is untrusted input: its size, unpacked size and entry count are all bounded).</summary>
public sealed class ImportsOptions
{
    public const string SectionName = "Imports";

    /// <summary>Largest archive accepted, compressed (the gateway raises its body limit to this for the import endpoint).</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public long MaxArchiveBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest sum of the unpacked files read from an archive (stops decompression bombs).</summary>
    [Range(1_024, 2L * 1024 * 1024 * 1024)]
    public long MaxUnpackedBytes { get; set; } = 128 * 1024 * 1024;

    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 50_000;

    /// <summary>Exercises validated at once. Each validation is two trial runs (reference and starter) of the importing
    /// user; the runner queues them in that user's lane (`Runner:Admission:MaxTrialRunsPerUser`, 8), so an import uses
    /// the slots learners leave idle and gives way to learners who wait.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 3;

    /// <summary>How often a validation the runner refused or did not answer (queue full, outage) is tried again before
    /// the exercise is reported invalid.</summary>
    [Range(0, 10)]
    public int RunnerRetries { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RunnerRetryDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>An import whose worker has not reported for this long is taken over by another worker (the process
    /// running it crashed): imports are idempotent, so it continues where it stopped.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often the worker looks for imports to run or take over, besides being woken by a new one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
