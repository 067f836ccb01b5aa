using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Feedback;

public sealed class FeedbackOptions
{
    public const string SectionName = "Feedback";

    /// <summary>Failed runs of an exercise after which the next hint is released automatically (then again after as many more).</summary>
    [Range(1, 100)]
    public int HintsAfterFailedAttempts { get; set; } = 3;

    /// <summary>Runs whose feedback is kept per learner and exercise (older ones are recomputed on demand).</summary>
    [Range(1, 1000)]
    public int MaxRunsKept { get; set; } = 20;

    /// <summary>Feedback items per run (the first errors matter; later ones are often consequences).</summary>
    [Range(1, 100)]
    public int MaxItems { get; set; } = 10;
}
