using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>A learner's progress on one exercise.</summary>
public sealed class ExerciseProgress
{
    public string ExerciseId { get; set; } = "";

    public string CourseId { get; set; } = "";

    public int Attempts { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>Failed submissions since the last pass (what "stuck" counts).</summary>
    public int FailuresSinceLastPass { get; set; }

    /// <summary>Best share of tests passed, 0 to 1.</summary>
    public double BestScore { get; set; }

    /// <summary>Passed by a graded submit: every hidden check judged right by the runner.</summary>
    public bool Completed { get; set; }

    /// <summary>A practice exercise (no hidden checks) whose visible tests passed on submit: shown, never completed.</summary>
    public bool SelfChecked { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Hints revealed when the first passing submission was made; null until completed.</summary>
    public int? HintsWhenCompleted { get; set; }

    public DateTimeOffset FirstAttemptAt { get; set; }

    public DateTimeOffset LastAttemptAt { get; set; }

    /// <summary>Submission times (sorted), so the time spent does not depend on the order events arrive in.</summary>
    public List<DateTimeOffset> AttemptTimes { get; set; } = [];
}

/// <summary>Everything Progress knows of one learner (id = user id).</summary>
public sealed class LearnerProgress : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public List<ExerciseProgress> Exercises { get; set; } = [];

    /// <summary>Runs already counted: a repeated event, even under another event id, counts once.</summary>
    public List<string> ProcessedRunIds { get; set; } = [];

    /// <summary>Courses with at least one submission (indexable, for course overviews).</summary>
    public List<string> CourseIds { get; set; } = [];

    /// <summary>UTC days (yyyy-MM-dd) on which an exercise was completed, sorted.</summary>
    public List<string> CompletionDays { get; set; } = [];

    public List<string> Bookmarks { get; set; } = [];

    public DateTimeOffset? LastActivityAt { get; set; }

    public ExerciseProgress? Find(string exerciseId) => Exercises.FirstOrDefault(e => e.ExerciseId == exerciseId);
}

/// <summary>The Progress feature's own database.</summary>
public sealed class ProgressStore(IDocumentStoreFactory stores)
{
    public const string Database = "progress";

    public IDocumentCollection<LearnerProgress> Learners { get; } = stores.Open(Database).Collection<LearnerProgress>("learners");

    /// <summary>Reads, changes and writes a learner's record, retrying on a concurrent write; creates it when missing.</summary>
    public async Task<LearnerProgress> ChangeAsync(string userId, Func<LearnerProgress, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await Learners.GetAsync(userId, cancellationToken);
            var learner = stored ?? new LearnerProgress { Id = userId };
            if (!change(learner))
            {
                return learner;
            }

            try
            {
                if (stored is null)
                {
                    await Learners.InsertAsync(learner, cancellationToken);
                }
                else
                {
                    await Learners.ReplaceAsync(learner, cancellationToken);
                }

                return learner;
            }
            catch (Exception e) when (e is ConcurrencyException or DuplicateKeyException && attempt < 10)
            {
                // another submission or a bookmark landed first: apply ours to the fresh record
            }
        }
    }
}
