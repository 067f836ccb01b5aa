using System.Runtime.CompilerServices;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>The Runs feature's side of the runner streams (<see cref="RunStreams"/>): enqueue, and follow a run's events.</summary>
public sealed class RunQueue(IConnectionMultiplexer redis, RedisKeys keys, IOptions<RunsOptions> options)
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
    /// The run's events as the runner wrote them (type and raw JSON), from the first, as they come, until the
    /// <c>finished</c> event, <paramref name="cancellationToken"/> or <see cref="RunsOptions.MaxStreamDuration"/>.
    /// </summary>
    public async IAsyncEnumerable<(string Type, string Json)> FollowAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var key = keys.Key(RunStreams.EventsKey(runId));
        var deadline = DateTimeOffset.UtcNow + _options.MaxStreamDuration;
        RedisValue from = "-";
        while (!cancellationToken.IsCancellationRequested && DateTimeOffset.UtcNow < deadline)
        {
            // StackExchange.Redis multiplexes one connection, so no blocking XREAD: poll with a short interval.
            var entries = await db.StreamRangeAsync(key, from, "+", count: 100);
            foreach (var entry in entries)
            {
                from = "(" + entry.Id; // exclusive start: after this entry
                var type = (string?)entry[RunStreams.EventTypeField] ?? "";
                yield return (type, (string?)entry[RunStreams.EventField] ?? "{}");
                if (type == "finished")
                {
                    yield break;
                }
            }

            if (entries.Length == 0)
            {
                await Task.Delay(_options.EventPollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>The run's result once its <c>finished</c> event is there, or null when <paramref name="timeout"/> passes first.</summary>
    public async Task<RunResult?> WaitForResultAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await foreach (var (type, json) in FollowAsync(runId, cts.Token))
        {
            if (type == "finished")
            {
                return (JsonSerializer.Deserialize<RunEvent>(json, RunJson.Options) as RunFinished)?.Result;
            }
        }

        return null;
    }
}
