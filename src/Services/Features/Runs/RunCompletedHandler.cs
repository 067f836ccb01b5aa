using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>
/// Stores a runner's result on its run, once, and for submits publishes <see cref="SubmissionEvaluated"/> once:
/// a repeated <see cref="RunCompleted"/> (a reclaimed run finished twice) finds the result stored and changes
/// nothing, and a crash between storing and publishing is mended by the next delivery.
/// </summary>
public sealed partial class RunCompletedHandler(RunStore store, IEventPublisher events, TimeProvider time, ILogger<RunCompletedHandler> logger)
    : IIntegrationEventHandler<RunCompleted>
{
    public async Task HandleAsync(EventEnvelope<RunCompleted> envelope, CancellationToken cancellationToken)
    {
        var result = envelope.Payload.Result;
        while (true)
        {
            var run = await store.Runs.GetAsync(result.RunId, cancellationToken);
            if (run is null)
            {
                Log.UnknownRun(logger, result.RunId);
                return;
            }

            var changed = false;
            if (run.ResultJson is null)
            {
                run.ResultJson = JsonSerializer.Serialize(result, RunJson.Options);
                run.CheckDetailsJson = envelope.Payload.CheckDetails is { Count: > 0 } details ? JsonSerializer.Serialize(details, RunJson.Options) : null;
                run.Verdict = JsonSerializer.Serialize(result.Verdict, RunJson.Options).Trim('"');
                run.FinishedAt = time.GetUtcNow();
                changed = true;
            }

            var stored = run.Result!; // the first result stands
            if (run.Mode == RunModes.Submit && run.ExerciseId is not null && !run.EvaluationPublished)
            {
                // Event id = run id: consumers drop a second publication after a crash right here.
                await events.PublishAsync(new SubmissionEvaluated(
                    run.Id, run.UserId, run.ExerciseId, run.CourseId ?? "", stored.Verdict,
                    stored.Tests.Count(t => t.Status == TestStatus.Pass) + (stored.Checks ?? []).Count(c => c.Status == TestStatus.Pass),
                    stored.Tests.Count + (stored.Checks ?? []).Count,
                    run.SubmittedAt, run.FinishedAt!.Value, run.Concepts, stored.Graded), eventId: run.Id, cancellationToken);
                run.EvaluationPublished = true;
                changed = true;
            }

            try
            {
                if (changed)
                {
                    await store.Runs.ReplaceAsync(run, cancellationToken);
                }

                return;
            }
            catch (ConcurrencyException)
            {
                // written meanwhile by another delivery: look again
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Result for unknown run {RunId} ignored")]
        public static partial void UnknownRun(ILogger logger, string runId);
    }
}
