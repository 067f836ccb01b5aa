using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Services.Features.Feedback;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>
/// Counts a judged submission on the learner's record, once per run id (the record keeps the run ids it counted,
/// so even a copy under another event id changes nothing), then publishes <see cref="ProgressUpdated"/> with event
/// id <c>progress:{runId}</c>: a repeat after a crash between the write and the publish is dropped by consumers.
/// </summary>
public sealed class RecordSubmission(
    ProgressStore store, IHintLedger hints, IEventPublisher events, IOptions<ProgressOptions> options, ILogger<RecordSubmission> logger)
    : IIntegrationEventHandler<SubmissionEvaluated>
{
    public async Task HandleAsync(EventEnvelope<SubmissionEvaluated> envelope, CancellationToken cancellationToken)
    {
        var e = envelope.Payload;
        if (e.Verdict is RunVerdict.InternalError or RunVerdict.Rejected)
        {
            return; // not the learner's attempt: the runner failed or refused it
        }

        // Only a graded pass completes: a pass without hidden checks is the learner's own code passing tests it can read.
        var passed = e.Verdict == RunVerdict.Passed && e.Graded;
        var selfChecked = e.Verdict == RunVerdict.Passed && !e.Graded;
        var score = e.TestsTotal > 0 ? Math.Round((double)e.TestsPassed / e.TestsTotal, 4) : passed ? 1 : 0;
        var hintsRevealed = await hints.RevealedAsync(e.UserId, e.ExerciseId, cancellationToken);
        var counted = false;
        var learner = await store.ChangeAsync(e.UserId, learner =>
        {
            if (learner.ProcessedRunIds.Contains(e.RunId))
            {
                return false;
            }

            Apply(learner, e, passed, selfChecked, score, hintsRevealed, options.Value);
            counted = true;
            return true;
        }, cancellationToken);

        if (!counted)
        {
            ProgressLog.DuplicateSubmission(logger, e.RunId, envelope.Id);
        }

        var exercise = learner.Find(e.ExerciseId)!;
        if (counted)
        {
            ProgressLog.SubmissionCounted(logger, e.RunId, e.UserId, e.ExerciseId, exercise.Attempts, exercise.Completed);
        }

        await events.PublishAsync(new ProgressUpdated(
            e.UserId, e.ExerciseId, e.CourseId, e.RunId, passed, score, exercise.Attempts, exercise.BestScore, exercise.Completed,
            hintsRevealed, e.Concepts, e.SubmittedAt), eventId: "progress:" + e.RunId, cancellationToken);
    }

    private static void Apply(LearnerProgress learner, SubmissionEvaluated e, bool passed, bool selfChecked, double score, int hintsRevealed, ProgressOptions options)
    {
        learner.ProcessedRunIds.Add(e.RunId);
        var exercise = learner.Find(e.ExerciseId);
        if (exercise is null)
        {
            exercise = new ExerciseProgress { ExerciseId = e.ExerciseId, CourseId = e.CourseId, FirstAttemptAt = e.SubmittedAt, LastAttemptAt = e.SubmittedAt };
            learner.Exercises.Add(exercise);
        }

        if (!learner.CourseIds.Contains(e.CourseId))
        {
            learner.CourseIds.Add(e.CourseId);
        }

        exercise.Attempts++;
        exercise.BestScore = Math.Max(exercise.BestScore, score);
        exercise.FirstAttemptAt = e.SubmittedAt < exercise.FirstAttemptAt ? e.SubmittedAt : exercise.FirstAttemptAt;
        exercise.LastAttemptAt = e.SubmittedAt > exercise.LastAttemptAt ? e.SubmittedAt : exercise.LastAttemptAt;
        var at = exercise.AttemptTimes.BinarySearch(e.SubmittedAt);
        exercise.AttemptTimes.Insert(at < 0 ? ~at : at, e.SubmittedAt);
        if (exercise.AttemptTimes.Count > options.MaxAttemptTimesKept)
        {
            exercise.AttemptTimes.RemoveAt(exercise.AttemptTimes.Count - 1); // the early ones make the figure
        }

        if (passed)
        {
            exercise.FailuresSinceLastPass = 0;
            if (!exercise.Completed || e.SubmittedAt < exercise.CompletedAt)
            {
                exercise.Completed = true;
                exercise.CompletedAt = e.SubmittedAt;
                exercise.HintsWhenCompleted = hintsRevealed;
                var day = ProgressRules.Day(e.SubmittedAt);
                if (!learner.CompletionDays.Contains(day))
                {
                    learner.CompletionDays.Add(day);
                    learner.CompletionDays.Sort(StringComparer.Ordinal);
                }
            }
        }
        else if (selfChecked)
        {
            exercise.SelfChecked = true;
        }
        else
        {
            exercise.FailedAttempts++;
            exercise.FailuresSinceLastPass++;
        }

        learner.LastActivityAt = learner.LastActivityAt is { } last && last > e.EvaluatedAt ? last : e.EvaluatedAt;
    }
}
