namespace LearningPlatform.Contracts.Events;

/// <summary>
/// A learner's progress on an exercise changed because a submission was judged. Published once per counted
/// submission by Progress (event id = <c>progress:{runId}</c>), for recommendations and learning records.
/// </summary>
/// <param name="UserId">The learner.</param>
/// <param name="ExerciseId">The exercise.</param>
/// <param name="CourseId">The exercise's course.</param>
/// <param name="RunId">The submission that caused the change.</param>
/// <param name="Passed">Whether this submission passed.</param>
/// <param name="Score">Share of tests passed by this submission, 0 to 1.</param>
/// <param name="Attempts">Submissions of this exercise counted so far.</param>
/// <param name="BestScore">Best score so far, 0 to 1.</param>
/// <param name="Completed">Whether the exercise is completed (passed at least once).</param>
/// <param name="HintsRevealed">Hints the learner had revealed when submitting.</param>
/// <param name="Concepts">Concepts the exercise teaches and practises.</param>
/// <param name="AttemptedAt">When the learner submitted.</param>
public sealed record ProgressUpdated(
    string UserId,
    string ExerciseId,
    string CourseId,
    string RunId,
    bool Passed,
    double Score,
    int Attempts,
    double BestScore,
    bool Completed,
    int HintsRevealed,
    IReadOnlyList<string> Concepts,
    DateTimeOffset AttemptedAt) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "progress-updated";
}

/// <summary>One recommended next exercise.</summary>
/// <param name="ExerciseId">The exercise.</param>
/// <param name="CourseId">Its course.</param>
/// <param name="Title">Its title.</param>
/// <param name="Kind"><c>practise</c> (a concept not yet mastered), <c>review</c> (a decaying concept) or <c>start</c>.</param>
/// <param name="Score">Ranking score, higher first.</param>
/// <param name="Reason">Why, in words a learner reads, e.g. "practise loops: mastery 0.42; unlocks arrays".</param>
public sealed record RecommendedExercise(string ExerciseId, string CourseId, string Title, string Kind, double Score, string Reason);

/// <summary>A learner's ranked next exercises changed. The hub pushes it to the learner's connection.</summary>
/// <param name="UserId">The learner.</param>
/// <param name="Items">The new list, best first.</param>
/// <param name="ComputedAt">When it was computed.</param>
public sealed record RecommendationsUpdated(string UserId, IReadOnlyList<RecommendedExercise> Items, DateTimeOffset ComputedAt) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "recommendations-updated";
}
