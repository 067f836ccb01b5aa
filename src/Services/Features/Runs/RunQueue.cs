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

    public Task EnqueueAsync(RunRequest request) =>
        redis.GetDatabase().StreamAddAsync(
            keys.Key(RunStreams.Requests),
            RunStreams.RequestField,
            JsonSerializer.Serialize(request, RunJson.Options),
            maxLength: _options.MaxQueueLength,
            useApproximateMaxLength: true);

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
