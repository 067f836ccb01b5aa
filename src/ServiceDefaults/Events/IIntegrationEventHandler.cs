using LearningPlatform.Contracts.Events;

namespace LearningPlatform.ServiceDefaults.Events;

/// <summary>
/// Handles one integration event type. Delivery is at least once: the bus skips event ids already handled, but a
/// crash between the handler's effect and the bus's record of it can still repeat a delivery, so handlers must be
/// idempotent themselves (check-then-write on the event id, or a naturally idempotent write).
/// </summary>
public interface IIntegrationEventHandler<TEvent> where TEvent : IIntegrationEvent
{
    Task HandleAsync(EventEnvelope<TEvent> envelope, CancellationToken cancellationToken);
}
