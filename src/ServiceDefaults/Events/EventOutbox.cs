using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Events;

/// <summary>An integration event ready for its stream: what <see cref="IEventOutbox"/> keeps until Redis has it.</summary>
public sealed record OutgoingEvent(string Id, string Stream, string Type, DateTimeOffset Time, string CorrelationId, string Payload);

/// <summary>
/// A durable place for events on their way to Redis (a service's document store): an event is saved here before it
/// is appended to its stream and removed once it is there, so a Redis outage delays events and loses none. Services
/// that own a store register one; the others publish straight to Redis.
/// </summary>
public interface IEventOutbox
{
    Task SaveAsync(OutgoingEvent e, CancellationToken cancellationToken);

    /// <summary>The oldest events not yet in Redis, oldest first.</summary>
    Task<IReadOnlyList<OutgoingEvent>> PendingAsync(int max, CancellationToken cancellationToken);

    Task RemoveAsync(OutgoingEvent e, CancellationToken cancellationToken);
}

/// <summary>
/// Appends what the outbox holds to Redis, oldest first, every <see cref="EventBusOptions.OutboxRelayInterval"/> and
/// at once when a publisher finds Redis back. While events wait, new ones wait behind them, so order is kept.
/// </summary>
public sealed partial class OutboxRelay(IServiceProvider services, IConnectionMultiplexer redis, IOptions<EventBusOptions> options, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _kick = new(0, 1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _backlog = true; // unknown at start: look first

    /// <summary>Events wait in the outbox: publishers must queue behind them.</summary>
    public bool HasBacklog => _backlog;

    public void Kick()
    {
        _backlog = true;
        if (_kick.CurrentCount == 0)
        {
            try
            {
                _kick.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outbox = services.GetService<IEventOutbox>();
        if (outbox is null)
        {
            _backlog = false;
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RelayAsync(outbox, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis down, or anything else: the events stay in the outbox; never stop the host over them.
                Log.Waiting(logger, e.GetType().Name + ": " + e.Message);
            }

            try
            {
                await _kick.WaitAsync(options.Value.OutboxRelayInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task RelayAsync(IEventOutbox outbox, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var pending = await outbox.PendingAsync(100, cancellationToken);
                if (pending.Count == 0)
                {
                    _backlog = false;
                    return;
                }

                foreach (var e in pending)
                {
                    try
                    {
                        await RedisEventPublisher.AppendAsync(redis, options.Value, e);
                    }
                    catch (Exception ex) when (!DependencyUnavailableHandler.IsOutage(ex) && ex is not OperationCanceledException)
                    {
                        // Not an outage: this event can never be appended. Logged whole and set aside, so that the
                        // events behind it are not held up for ever.
                        Log.Unsendable(logger, e.Type, e.Id, e.Payload, ex);
                    }

                    await outbox.RemoveAsync(e, cancellationToken);
                }

                Log.Relayed(logger, pending.Count);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 80, Level = LogLevel.Information, Message = "Relayed {Count} events from the outbox to Redis")]
        public static partial void Relayed(ILogger logger, int count);

        [LoggerMessage(EventId = 81, Level = LogLevel.Warning, Message = "Events wait in the outbox until Redis answers: {Reason}")]
        public static partial void Waiting(ILogger logger, string reason);

        [LoggerMessage(EventId = 82, Level = LogLevel.Error, Message = "Event {Type} {EventId} cannot be appended to its stream and is dropped from the outbox: {Payload}")]
        public static partial void Unsendable(ILogger logger, string type, string eventId, string payload, Exception exception);
    }
}
