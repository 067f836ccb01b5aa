using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.Contracts.Events;

/// <summary>
/// A runner finished a run (any verdict). Published by RunnerHost with the run id as event id, so a run that a
/// second runner finishes again after a crash is recognised as the same fact.
/// </summary>
/// <param name="Result">The result as learners may see it.</param>
/// <param name="CheckDetails">The hidden checks' values and errors, for the course's instructors and admins only.</param>
public sealed record RunCompleted(RunResult Result, IReadOnlyList<CheckDetail>? CheckDetails = null) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "run-completed";
}

/// <summary>
/// A learner's submission was judged. Published once per submitted run by the Runs feature (event id = run id),
/// for progress and recommendations.
/// </summary>
/// <param name="RunId">The run that judged it; also the event id.</param>
/// <param name="UserId">The learner.</param>
/// <param name="ExerciseId">The exercise.</param>
/// <param name="CourseId">The exercise's course.</param>
/// <param name="Verdict">The runner's verdict.</param>
/// <param name="TestsPassed">Tests that passed.</param>
/// <param name="TestsTotal">Tests expected to run.</param>
/// <param name="SubmittedAt">When the learner submitted.</param>
/// <param name="EvaluatedAt">When the verdict was stored.</param>
/// <param name="Concepts">Concepts the exercise teaches and practises.</param>
/// <param name="Graded">True when hidden checks judged it; a pass without them is self-checked and completes nothing.</param>
public sealed record SubmissionEvaluated(
    string RunId,
    string UserId,
    string ExerciseId,
    string CourseId,
    RunVerdict Verdict,
    int TestsPassed,
    int TestsTotal,
    DateTimeOffset SubmittedAt,
    DateTimeOffset EvaluatedAt,
    IReadOnlyList<string> Concepts,
    bool Graded = false) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "submission-evaluated";
}
