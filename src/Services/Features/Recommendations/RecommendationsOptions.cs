using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Recommendations;

public sealed class RecommendationsOptions
{
    public const string SectionName = "Recommendations";

    /// <summary>Mastery a concept needs before exercises that require it are recommended.</summary>
    [Range(0.05, 0.95)]
    public double PrerequisiteThreshold { get; set; } = 0.5;

    /// <summary>Mastery from which a concept counts as mastered (no more practice recommended, xAPI "mastered").</summary>
    [Range(0.05, 0.99)]
    public double MasteryThreshold { get; set; } = 0.8;

    /// <summary>Predicted success the ranking aims at: hard enough to learn from, easy enough to succeed.</summary>
    [Range(0.1, 0.95)]
    public double TargetSuccess { get; set; } = 0.65;

    /// <summary>Drop of mastery below its peak that makes a completed exercise due for review.</summary>
    [Range(0.01, 0.9)]
    public double ReviewDrop { get; set; } = 0.1;

    /// <summary>Exercises in one list.</summary>
    [Range(1, 50)]
    public int MaxItems { get; set; } = 5;

    /// <summary>Bursts of progress within this window cause one refresh job.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DebounceWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a computed list stays in Redis without a refresh.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Learners active within this window are refreshed by the nightly job (forgetting moves their mastery).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan ActiveWindow { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Cron (UTC) of the nightly refresh of active learners.</summary>
    [Required]
    public string NightlyCron { get; set; } = "30 3 * * *";

    [Range(-5.0, 5.0)]
    public double InitialRating { get; set; } = new KnowledgeParameters().InitialRating;

    [Range(-5.0, 5.0)]
    public double InitialDifficulty { get; set; } = new KnowledgeParameters().InitialDifficulty;

    [Range(0.0, 5.0)]
    public double ConceptRate { get; set; } = new KnowledgeParameters().ConceptRate;

    [Range(0.0, 5.0)]
    public double AbilityRate { get; set; } = new KnowledgeParameters().AbilityRate;

    [Range(0.0, 5.0)]
    public double DifficultyRate { get; set; } = new KnowledgeParameters().DifficultyRate;

    [Range(0.0, 2.0)]
    public double PracticeGain { get; set; } = new KnowledgeParameters().PracticeGain;

    [Range(0.0, 10.0)]
    public double Slope { get; set; } = new KnowledgeParameters().Slope;

    [Range(0.1, 3650.0)]
    public double HalfLifeDays { get; set; } = new KnowledgeParameters().HalfLifeDays;

    [Range(0.0, 1.0)]
    public double RetentionFloor { get; set; } = new KnowledgeParameters().RetentionFloor;

    public KnowledgeParameters Knowledge => new()
    {
        InitialRating = InitialRating,
        InitialDifficulty = InitialDifficulty,
        ConceptRate = ConceptRate,
        AbilityRate = AbilityRate,
        DifficultyRate = DifficultyRate,
        Slope = Slope,
        PracticeGain = PracticeGain,
        HalfLifeDays = HalfLifeDays,
        RetentionFloor = RetentionFloor,
    };

    public RankingParameters Ranking => new(PrerequisiteThreshold, MasteryThreshold, TargetSuccess, ReviewDrop, MaxItems);
}
