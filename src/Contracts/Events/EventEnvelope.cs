namespace LearningPlatform.Contracts.Events;

/// <summary>What travels with every integration event.</summary>
/// <param name="Id">Unique id of this event; a handler seeing it twice must have no second effect.</param>
/// <param name="Type">The event type's wire name (<see cref="IIntegrationEvent.EventType"/>).</param>
/// <param name="Time">When the fact happened (UTC).</param>
/// <param name="CorrelationId">The correlation id of the request or job that caused it, if any.</param>
/// <param name="Payload">The event itself.</param>
public sealed record EventEnvelope<TEvent>(string Id, string Type, DateTimeOffset Time, string? CorrelationId, TEvent Payload)
    where TEvent : IIntegrationEvent;
