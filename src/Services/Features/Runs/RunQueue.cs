using System.Runtime.CompilerServices;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>The Runs feature's side of the runner streams (<see cref="RunStreams"/>): enqueue, and follow a run's events.</summary>
public sealed class RunQueue(IConnectionMultiplexer redis, RedisKeys keys, RunEventFollower follower, IOptions<RunsOptions> options)
{
    private readonly RunsOptions _options = options.Value;

    /// <summary>
    /// Accepts a run durably: stored with its request first (so it can be queued again if the queue loses it), then
    /// queued, then its queue entry noted. A failure after the store write leaves a run the requeuer will queue.
    /// </summary>
    public async Task AcceptAsync(RunStore store, Run run, RunRequest request, CancellationToken cancellationToken)
    {
        run.RequestJson = JsonSerializer.Serialize(request, RunJson.Options);
        await store.Runs.InsertAsync(run, cancellationToken);
        run.QueueEntryId = await EnqueueAsync(run.RequestJson);
        try
        {
            await store.Runs.ReplaceAsync(run, cancellationToken);
        }
        catch (LearningPlatform.Storage.ConcurrencyException)
        {
            // the result was stored meanwhile: the entry id no longer matters
        }
    }

    /// <summary>Queues a run for the runners; returns the stream entry's id.</summary>
    public async Task<string> EnqueueAsync(string requestJson) =>
        (await redis.GetDatabase().StreamAddAsync(
            keys.Key(RunStreams.Requests),
            RunStreams.RequestField,
            requestJson,
            maxLength: _options.MaxQueueLength,
            useApproximateMaxLength: true)).ToString();

    /// <summary>
    /// Whether the runners still have the run: its request is in the stream (waiting or being run), or a runner
    /// started it (its events exist). False when Redis lost both, e.g. emptied.
    /// </summary>
    public async Task<bool> IsKnownAsync(string runId, string? entryId)
    {
        var db = redis.GetDatabase();
        if (await db.KeyExistsAsync(keys.Key(RunStreams.EventsKey(runId))))
        {
            return true;
        }

        return entryId is not null && (await db.StreamRangeAsync(keys.Key(RunStreams.Requests), entryId, entryId, count: 1)).Length > 0;
    }

    /// <summary>
    /// The run's events as the runner wrote them, from the first, as they come (a blocking read, no polling), until
    /// the <c>finished</c> event, <paramref name="cancellationToken"/> or <see cref="RunsOptions.MaxStreamDuration"/>.
    /// </summary>
    public async IAsyncEnumerable<RunStreamEvent> FollowAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.MaxStreamDuration);
        var events = follower.FollowAsync(runId, cts.Token).WithCancellation(cts.Token).ConfigureAwait(false);
        await using var e = events.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                yield break;
            }

            yield return e.Current;
        }
    }

    /// <summary>The run's result once its <c>finished</c> event is there, or null when <paramref name="timeout"/> passes first.</summary>
    public async Task<RunResult?> WaitForResultAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (await follower.FinishedAsync(runId) is { } done)
        {
            return (done.Parse() as RunFinished)?.Result;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await foreach (var e in FollowAsync(runId, cts.Token))
        {
            if (e.IsFinished)
            {
                return (e.Parse() as RunFinished)?.Result;
            }
        }

        return null;
    }
}
