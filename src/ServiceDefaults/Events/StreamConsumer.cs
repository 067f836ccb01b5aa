using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Correlation;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Events;

/// <summary>
/// Reads one event stream in this service's consumer group (<see cref="StreamGroupReader"/>: claims entries left
/// pending by dead consumers, blocks for new ones), hands each to the handler in a fresh scope, remembers handled ids
/// and acknowledges. An entry whose handler keeps failing is moved to <c>{stream}:dead</c> after
/// <see cref="EventBusOptions.MaxDeliveries"/>.
/// </summary>
internal sealed partial class StreamConsumer<TEvent>(
    IConnectionMultiplexer redis,
    BlockingRedis blocking,
    RedisKeys keys,
    IServiceScopeFactory scopes,
    IOptions<EventBusOptions> options,
    ILogger<StreamConsumer<TEvent>> logger) : BackgroundService
    where TEvent : IIntegrationEvent
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly RedisKey _stream = keys.Key(EventStreams.StreamName<TEvent>());
    private readonly RedisKey _deadLetters = keys.Key(EventStreams.StreamName<TEvent>() + ":dead");
    private readonly EventBusOptions _options = options.Value;
    private readonly Dictionary<string, int> _failures = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var db = redis.GetDatabase();
        var reader = new StreamGroupReader(redis, blocking, _stream, new StreamGroupReaderOptions(
            _options.Group, _consumer, _options.BatchSize, _options.ReadBlock, _options.ClaimIdleAfter, _options.ClaimIdleAfter / 2), logger);
        await reader.RunAsync(async (entries, _, ct) =>
        {
            foreach (var entry in entries)
            {
                await ProcessAsync(db, entry, ct);
            }
        }, stoppingToken);
    }

    private async Task ProcessAsync(IDatabase db, StreamEntry entry, CancellationToken stoppingToken)
    {
        var id = (string?)entry["id"];
        var dedupKey = keys.Key($"events:handled:{_options.Group}:{TEvent.EventType}:{id}");
        if (id is null || await db.KeyExistsAsync(dedupKey))
        {
            await db.StreamAcknowledgeAsync(_stream, _options.Group, entry.Id);
            return;
        }

        try
        {
            var envelope = new EventEnvelope<TEvent>(
                id,
                TEvent.EventType,
                DateTimeOffset.TryParse(entry["time"], out var t) ? t : DateTimeOffset.UtcNow,
                NullIfEmpty(entry["correlationId"]),
                JsonSerializer.Deserialize<TEvent>((string)entry["payload"]!, EventStreams.Json)
                    ?? throw new JsonException("empty payload"));
            CorrelationId.Current = envelope.CorrelationId ?? CorrelationId.New();
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = CorrelationId.Current, ["EventId"] = id }))
            {
                // Several features of one service may handle the same event: in registration order, all in this
                // delivery (each handler is idempotent, so a retry after a later one failed repeats nothing).
                await using var scope = scopes.CreateAsyncScope();
                foreach (var handler in scope.ServiceProvider.GetServices<IIntegrationEventHandler<TEvent>>())
                {
                    await handler.HandleAsync(envelope, stoppingToken);
                }
            }

            await db.StringSetAsync(dedupKey, 1, _options.DeduplicationWindow);
            await db.StreamAcknowledgeAsync(_stream, _options.Group, entry.Id);
            _failures.Remove(entry.Id!);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            var failures = _failures[entry.Id!] = _failures.GetValueOrDefault(entry.Id!) + 1;
            Log.HandlerFailed(logger, TEvent.EventType, id, failures, e);
            if (failures >= _options.MaxDeliveries || e is JsonException)
            {
                await db.StreamAddAsync(_deadLetters, entry.Values, maxLength: _options.MaxStreamLength, useApproximateMaxLength: true);
                await db.StreamAcknowledgeAsync(_stream, _options.Group, entry.Id);
                _failures.Remove(entry.Id!);
                Log.DeadLettered(logger, TEvent.EventType, id);
            }

            // otherwise left pending: claimed again after ClaimIdleAfter, by this consumer or another
        }
        finally
        {
            CorrelationId.Current = null;
        }
    }

    private static string? NullIfEmpty(RedisValue value) => value.IsNullOrEmpty ? null : (string?)value;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Handler for {EventType} failed on event {EventId} (failure {Failures})")]
        public static partial void HandlerFailed(ILogger logger, string eventType, string? eventId, int failures, Exception exception);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Event {EventType} {EventId} moved to the dead-letter stream")]
        public static partial void DeadLettered(ILogger logger, string eventType, string? eventId);
    }
}
