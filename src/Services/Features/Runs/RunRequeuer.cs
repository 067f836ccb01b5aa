using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>
/// Accepted runs are not lost with the queue: every run is stored with its request before it is queued, and a run
/// still unfinished after <see cref="RunsOptions.RequeueAfter"/> that the runners no longer have (its entry gone from
/// the stream and never started: Redis was emptied or replaced) is queued again. A run that finishes twice keeps its
/// first result (<see cref="RunCompletedHandler"/>), so it is finished once.
/// </summary>
public sealed partial class RunRequeuer(RunStore store, RunQueue queue, IOptions<RunsOptions> options, TimeProvider time, ILogger<RunRequeuer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.RequeueCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RequeueLostAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.CheckFailed(logger, e.Message); // Redis still down: the next tick looks again
            }
        }
    }

    /// <summary>Queues again the runs the runners lost, as of <paramref name="now"/>; returns how many.</summary>
    public async Task<int> RequeueLostAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (from, to) = (now - o.RequeueGiveUpAfter, now - o.RequeueAfter);
        var waiting = await store.Runs.FindAsync(
            r => r.FinishedAt == null && r.RequestJson != null && r.SubmittedAt < to && r.SubmittedAt > from,
            new FindOptions<Run> { Limit = o.MaxRequeuesPerCheck }, cancellationToken);
        var requeued = 0;
        foreach (var run in waiting)
        {
            if (await queue.IsKnownAsync(run.Id, run.QueueEntryId))
            {
                continue;
            }

            run.QueueEntryId = await queue.EnqueueAsync(run.RequestJson!);
            requeued++;
            Log.Requeued(logger, run.Id, run.SubmittedAt);
            try
            {
                await store.Runs.ReplaceAsync(run, cancellationToken);
            }
            catch (ConcurrencyException)
            {
                // its result came meanwhile: nothing more to do
            }
        }

        return requeued;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Run {RunId} (submitted {SubmittedAt}) was lost by the queue; queued again")]
        public static partial void Requeued(ILogger logger, string runId, DateTimeOffset submittedAt);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Could not look for lost runs: {Reason}")]
        public static partial void CheckFailed(ILogger logger, string reason);
    }
}
