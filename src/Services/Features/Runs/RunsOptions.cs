using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Runs;

public sealed class RunsOptions
{
    public const string SectionName = "Runs";

    /// <summary>Longest a <c>?wait=true</c> request blocks before answering 202 with the run id.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest one event stream (SSE) stays open.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Files in one run (solution and tests together).</summary>
    [Range(1, 100)]
    public int MaxFiles { get; set; } = 20;

    /// <summary>Characters in one file.</summary>
    [Range(1, 4 * 1024 * 1024)]
    public int MaxFileChars { get; set; } = 64 * 1024;

    /// <summary>Characters in all files of one run.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxTotalChars { get; set; } = 512 * 1024;

    /// <summary>Approximate length the request stream is trimmed to.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxQueueLength { get; set; } = 100_000;

    /// <summary>An unfinished run the runners no longer have is queued again once it is this old (<see cref="RunRequeuer"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often unfinished runs are looked at.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequeueCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs older than this are not queued again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan RequeueGiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000)]
    public int MaxRequeuesPerCheck { get; set; } = 500;
}
