using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Runs;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary>
/// When a run of an exercise finishes: explains it, stores the explanation on the learner's session for the
/// exercise, counts a failure and releases the next hint every <see cref="FeedbackOptions.HintsAfterFailedAttempts"/>
/// failures. Idempotent per run id.
/// </summary>
public sealed class ExplainRun(FeedbackSessions sessions, IRunLookup runs) : IIntegrationEventHandler<RunCompleted>
{
    public async Task HandleAsync(EventEnvelope<RunCompleted> envelope, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(envelope.Payload.Result.RunId, cancellationToken);
        if (run?.ExerciseId is null)
        {
            return; // an ad-hoc run or an unknown one: no exercise to give feedback on
        }

        // The first stored result stands (Runs keeps it), so a repeated RunCompleted explains the same result.
        await sessions.RecordAsync(run with { Result = run.Result ?? envelope.Payload.Result }, cancellationToken);
    }
}

/// <summary>The feature's operations on sessions, shared by the event handler and the endpoints.</summary>
public sealed class FeedbackSessions(FeedbackStore store, IExerciseCatalog exercises, IOptions<FeedbackOptions> options, TimeProvider time, ILogger<FeedbackSessions> logger)
{
    private const int MaxWriteAttempts = 10;

    public RunFeedback Explain(RunInfo run) => new()
    {
        RunId = run.RunId,
        Verdict = run.Result!.Verdict.ToString(),
        At = time.GetUtcNow(),
        Items = Explainer.Explain(run.Result, run.Language, options.Value.MaxItems),
    };

    public async Task<FeedbackSession> RecordAsync(RunInfo run, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var exercise = await exercises.GetAsync(run.ExerciseId!, cancellationToken);
        return await ChangeAsync(run.UserId, run.ExerciseId!, session =>
        {
            if (session.ProcessedRunIds.Contains(run.RunId))
            {
                return false;
            }

            session.ProcessedRunIds.Add(run.RunId);
            session.Runs.Add(Explain(run));
            if (session.Runs.Count > o.MaxRunsKept)
            {
                session.Runs.RemoveRange(0, session.Runs.Count - o.MaxRunsKept);
            }

            if (run.Result!.Verdict is not (RunVerdict.Passed or RunVerdict.InternalError or RunVerdict.Rejected))
            {
                session.FailedAttempts++;
                var due = Math.Min(session.FailedAttempts / o.HintsAfterFailedAttempts, exercise?.Hints.Count ?? 0);
                if (due > session.HintsRevealed)
                {
                    session.HintsRevealed = due;
                    FeedbackLog.HintReleased(logger, run.UserId, run.ExerciseId!, due);
                }
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Reveals one more hint; the session unchanged when all are revealed.</summary>
    public Task<FeedbackSession> RevealNextAsync(string userId, Exercise exercise, CancellationToken cancellationToken) =>
        ChangeAsync(userId, exercise.Id, session =>
        {
            if (session.HintsRevealed >= exercise.Hints.Count)
            {
                return false;
            }

            session.HintsRevealed++;
            FeedbackLog.HintRequested(logger, userId, exercise.Id, session.HintsRevealed);
            return true;
        }, cancellationToken);

    public Task<FeedbackSession?> GetAsync(string userId, string exerciseId, CancellationToken cancellationToken) =>
        store.Sessions.GetAsync(FeedbackSession.IdFor(userId, exerciseId), cancellationToken);

    private async Task<FeedbackSession> ChangeAsync(string userId, string exerciseId, Func<FeedbackSession, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.Sessions.GetAsync(FeedbackSession.IdFor(userId, exerciseId), cancellationToken);
            var session = stored ?? new FeedbackSession { Id = FeedbackSession.IdFor(userId, exerciseId), UserId = userId, ExerciseId = exerciseId };
            if (!change(session))
            {
                return session;
            }

            try
            {
                if (stored is null)
                {
                    await store.Sessions.InsertAsync(session, cancellationToken);
                }
                else
                {
                    await store.Sessions.ReplaceAsync(session, cancellationToken);
                }

                return session;
            }
            catch (Exception e) when (e is ConcurrencyException or DuplicateKeyException && attempt < MaxWriteAttempts)
            {
                // a run and a hint request at once: apply ours to the fresh session
            }
        }
    }
}
