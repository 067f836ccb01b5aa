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

/// <summary>
/// Appends events to their streams. With an <see cref="IEventOutbox"/> (a service with a document store), an event is
/// saved there first: accepted state changes announce themselves even when Redis is down, later, in order.
/// </summary>
internal sealed class RedisEventPublisher(IConnectionMultiplexer redis, RedisKeys keys, IOptions<EventBusOptions> options, TimeProvider time,
    OutboxRelay relay, IEventOutbox? outbox = null)
    : IEventPublisher
{
    public async Task<string> PublishAsync<TEvent>(TEvent payload, string? eventId = null, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent
    {
        var e = new OutgoingEvent(
            eventId ?? Guid.CreateVersion7().ToString("N"), keys.Key(EventStreams.StreamName<TEvent>()).ToString(), TEvent.EventType,
            time.GetUtcNow(), CorrelationId.Current ?? "", JsonSerializer.Serialize(payload, EventStreams.Json));
        if (outbox is null)
        {
            await AppendAsync(redis, options.Value, e);
            return e.Id;
        }

        await outbox.SaveAsync(e, cancellationToken);
        if (relay.HasBacklog)
        {
            relay.Kick(); // older events wait: this one goes after them
            return e.Id;
        }

        try
        {
            await AppendAsync(redis, options.Value, e);
            await outbox.RemoveAsync(e, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException || Errors.DependencyUnavailableHandler.IsOutage(ex))
        {
            relay.Kick(); // kept in the outbox; the relay appends it when Redis is back
        }

        return e.Id;
    }

    internal static Task AppendAsync(IConnectionMultiplexer redis, EventBusOptions options, OutgoingEvent e) =>
        redis.GetDatabase().StreamAddAsync(e.Stream,
        [
            new("id", e.Id),
            new("type", e.Type),
            new("time", e.Time.ToString("O")),
            new("correlationId", e.CorrelationId),
            new("payload", e.Payload),
        ], maxLength: options.MaxStreamLength, useApproximateMaxLength: true);
}
