using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Progress;

public sealed class ProgressOptions
{
    public const string SectionName = "Progress";

    /// <summary>
    /// Time on an exercise is the sum of the gaps between its consecutive submissions up to completion, each gap
    /// capped at this (a learner who left for lunch did not work for an hour).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MaxAttemptGap { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Failed submissions since the last pass on an exercise not completed that make a learner "stuck".</summary>
    [Range(1, 1000)]
    public int StuckFailedAttempts { get; set; } = 5;

    /// <summary>Time without any completion, with an exercise attempted and not completed, that makes a learner "stuck".</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan StuckIdleAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Learners listed in one course overview.</summary>
    [Range(1, 100_000)]
    public int MaxOverviewLearners { get; set; } = 1000;

    /// <summary>Submission times kept per exercise for the time-spent figure.</summary>
    [Range(2, 10_000)]
    public int MaxAttemptTimesKept { get; set; } = 200;
}
