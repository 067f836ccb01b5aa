using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Correlation;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Events;

/// <summary>Publishes integration events to their Redis stream.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Appends <paramref name="payload"/> to <c>events:{type}</c>. Give <paramref name="eventId"/> when the same fact
    /// may be published again (a retried job, a redelivered command), so consumers can tell the repeat.
    /// </summary>
    Task<string> PublishAsync<TEvent>(TEvent payload, string? eventId = null, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent;
}

internal static class EventStreams
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string StreamName<TEvent>() where TEvent : IIntegrationEvent => "events:" + TEvent.EventType;
}

internal sealed class RedisEventPublisher(IConnectionMultiplexer redis, RedisKeys keys, IOptions<EventBusOptions> options, TimeProvider time)
    : IEventPublisher
{
    public async Task<string> PublishAsync<TEvent>(TEvent payload, string? eventId = null, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent
    {
        var id = eventId ?? Guid.CreateVersion7().ToString("N");
        NameValueEntry[] fields =
        [
            new("id", id),
            new("type", TEvent.EventType),
            new("time", time.GetUtcNow().ToString("O")),
            new("correlationId", CorrelationId.Current ?? ""),
            new("payload", JsonSerializer.Serialize(payload, EventStreams.Json)),
        ];
        await redis.GetDatabase().StreamAddAsync(
            keys.Key(EventStreams.StreamName<TEvent>()), fields, maxLength: options.Value.MaxStreamLength, useApproximateMaxLength: true);
        return id;
    }
}
