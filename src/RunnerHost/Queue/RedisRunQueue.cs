using LearningPlatform.ServiceDefaults.Errors;
using Polly;
using Polly.Retry;
using System.Collections.Concurrent;
using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Execution;
using LearningPlatform.RunnerHost.Sandbox;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.RunnerHost.Queue;

/// Consumes run requests from the runs:requests stream (consumer group "runners") through the platform's one stream
/// reader (blocking reads; entries a dead runner left pending are claimed), while admission has room; runs each,
/// publishes its events to runs:{runId}:events and its result as the RunCompleted integration event, then
/// acknowledges. Entries this runner is working on have their idle time refreshed so that no live run is taken over.
internal sealed class RedisRunQueue(
    IConnectionMultiplexer redis,
    BlockingRedis blocking,
    RedisKeys keys,
    IEventPublisher events,
    RunExecutor executor,
    AdmissionControl admission,
    RunnerIdentity identity,
    IOptions<RunQueueOptions> options,
    ILogger<RedisRunQueue> logger) : BackgroundService
{
    private readonly RunQueueOptions _o = options.Value;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    // A finished run's outcome (final event, result, acknowledgement) is written once Redis answers again.
    private readonly ResiliencePipeline _outcomeWrites = new ResiliencePipelineBuilder()
        .AddTimeout(TimeSpan.FromSeconds(options.Value.OutageRetrySeconds)) // outermost: the whole wait, all attempts
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(DependencyUnavailableHandler.IsOutage),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        })
        .Build();

    private string Consumer => _o.ConsumerName ?? identity.Id;
    private RedisKey Requests => keys.Key(RunStreams.Requests);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_o.Enabled)
        {
            return;
        }
        var db = redis.GetDatabase();
        var heartbeat = HeartbeatLoopAsync(db, stoppingToken);
        var reader = new StreamGroupReader(redis, blocking, Requests, new StreamGroupReaderOptions(
            RunStreams.ConsumerGroup, Consumer, _o.ReadBatch, TimeSpan.FromMilliseconds(_o.BlockMs),
            TimeSpan.FromMilliseconds(_o.ReclaimIdleMs), TimeSpan.FromMilliseconds(_o.ReclaimIntervalMs)), logger);
        await reader.RunAsync((entries, claimed, ct) =>
        {
            foreach (var entry in entries)
            {
                if (claimed)
                {
                    QueueLog.Reclaimed(logger, entry.Id.ToString());
                }
                Dispatch(db, entry, ct);
            }
            return Task.CompletedTask;
        }, stoppingToken, room: Room, waitForRoom: admission.WaitForRoomAsync);
        await heartbeat;
        // Runs in flight finish or are cancelled; their entries stay pending for another runner to reclaim.
        await Task.WhenAll(_inFlight.Values).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// Requests to take now: what admission would take, less those taken and not yet in admission (or finishing).
    private int Room() => admission.Room - Math.Max(0, _inFlight.Count - admission.Running - admission.Waiting);

    private async Task HeartbeatLoopAsync(IDatabase db, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_o.ReclaimIdleMs / 3.0));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await HeartbeatAsync(db);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    QueueLog.RedisFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HeartbeatAsync(IDatabase db)
    {
        var ids = _inFlight.Keys.Select(k => (RedisValue)k).ToArray();
        if (ids.Length > 0)
        {
            // XCLAIM to ourselves resets the entries' idle time: other runners' XAUTOCLAIM leaves them alone.
            await db.StreamClaimIdsOnlyAsync(Requests, RunStreams.ConsumerGroup, Consumer, 0, ids);
        }
    }

    private void Dispatch(IDatabase db, StreamEntry entry, CancellationToken ct)
    {
        var id = entry.Id.ToString();
        if (_inFlight.ContainsKey(id))
        {
            return;
        }
        var task = Task.Run(() => HandleAsync(db, entry, ct), CancellationToken.None);
        _inFlight[id] = task;
        _ = task.ContinueWith(_ => _inFlight.TryRemove(id, out Task? _), TaskScheduler.Default);
    }

    private async Task HandleAsync(IDatabase db, StreamEntry entry, CancellationToken ct)
    {
        RunRequest? request = null;
        string? error = null;
        try
        {
            request = JsonSerializer.Deserialize<RunRequest>((string)entry[RunStreams.RequestField]!, RunJson.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentNullException or NotSupportedException)
        {
            error = "invalid request: " + e.Message;
        }
        if (request is null || error is not null)
        {
            QueueLog.Poison(logger, entry.Id.ToString(), error ?? "empty");
            await db.StreamAcknowledgeAsync(Requests, RunStreams.ConsumerGroup, entry.Id);
            return;
        }
        try
        {
            var eventsKey = keys.Key(RunStreams.EventsKey(request.RunId));
            var ttl = TimeSpan.FromSeconds(_o.EventsTtlSeconds);
            var deliveries = await DeliveryCountAsync(db, entry.Id);
            RunCompleted completed;
            if (deliveries > _o.MaxDeliveries)
            {
                // It took down runners before: do not run it again.
                var result = new RunResult(request.RunId, 3, TestStatus.Error, $"the run was attempted {deliveries - 1} times without finishing",
                    [], RunVerdict.InternalError, [], new RunTimings(0, 0, 0, 0), new ResourceUsage(null, null, null), null, request.ExerciseId, request.CorrelationId);
                await PublishEventAsync(db, eventsKey, ttl, new RunFinished(request.RunId, 1, DateTimeOffset.UtcNow, result));
                completed = new RunCompleted(result);
            }
            else
            {
                completed = await executor.ExecuteAsync(request, e => PublishRunEventAsync(db, eventsKey, ttl, e, ct), ct);
            }
            // Event id = run id: a run finished twice after a reclaim is recognised as the same fact. A Redis outage
            // here waits (the verdict is the code's, not the outage's); the entry is acknowledged only once it is out.
            await _outcomeWrites.ExecuteAsync(async token => await events.PublishAsync(completed, eventId: request.RunId, token), ct);
            await _outcomeWrites.ExecuteAsync(async _ => await db.StreamAcknowledgeAsync(Requests, RunStreams.ConsumerGroup, entry.Id), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: leave the entry pending; another runner reclaims it.
        }
        catch (Exception e)
        {
            QueueLog.HandleFailed(logger, entry.Id.ToString(), e);
        }
    }

    private async Task<long> DeliveryCountAsync(IDatabase db, RedisValue id)
    {
        var pending = await db.StreamPendingMessagesAsync(Requests, RunStreams.ConsumerGroup, 1, RedisValue.Null, id, id);
        return pending.Length > 0 ? pending[0].DeliveryCount : 1;
    }

    /// A run's progress events are sent without waiting for Redis's answer (in order, on the one connection): while
    /// Redis is down they are dropped instead of holding up the reading of the sandbox's frames, so the run goes on
    /// and its verdict is its code's (waiting here once made a run in flight a timeout). Its final event waits for
    /// Redis like its result does.
    private async ValueTask PublishRunEventAsync(IDatabase db, RedisKey key, TimeSpan ttl, RunEvent e, CancellationToken ct)
    {
        if (e is RunFinished)
        {
            await _outcomeWrites.ExecuteAsync(async _ => await PublishEventAsync(db, key, ttl, e), ct);
            return;
        }

        try
        {
            await PublishEventAsync(db, key, ttl, e, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (DependencyUnavailableHandler.IsOutage(ex))
        {
            QueueLog.EventDropped(logger, e.RunId, e.GetType().Name);
        }
    }

    private async Task PublishEventAsync(IDatabase db, RedisKey key, TimeSpan ttl, RunEvent e, CommandFlags flags = CommandFlags.None)
    {
        await db.StreamAddAsync(key,
            [
                new NameValueEntry(RunStreams.EventTypeField, RunEventTypes.Of(e)),
                new NameValueEntry(RunStreams.EventSequenceField, e.Sequence),
                new NameValueEntry(RunStreams.EventField, JsonSerializer.Serialize(e, RunJson.Options)),
            ],
            maxLength: _o.EventsMaxLength, useApproximateMaxLength: true, flags: flags);
        _ = db.KeyExpireAsync(key, ttl, flags: CommandFlags.FireAndForget);
    }
}

internal static partial class QueueLog
{
    [LoggerMessage(4000, LogLevel.Information, "Reclaimed pending run request {EntryId} from a dead runner")]
    public static partial void Reclaimed(ILogger logger, string entryId);

    [LoggerMessage(4001, LogLevel.Warning, "Redis unavailable; retrying")]
    public static partial void RedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Dropped run request {EntryId}: {Reason}")]
    public static partial void Poison(ILogger logger, string entryId, string reason);

    [LoggerMessage(4004, LogLevel.Debug, "Redis unavailable: progress event {EventType} of run {RunId} not recorded")]
    public static partial void EventDropped(ILogger logger, string runId, string eventType);

    [LoggerMessage(4003, LogLevel.Error, "Handling run request {EntryId} failed; it stays pending")]
    public static partial void HandleFailed(ILogger logger, string entryId, Exception exception);
}
