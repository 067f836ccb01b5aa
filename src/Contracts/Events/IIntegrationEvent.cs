namespace LearningPlatform.Contracts.Events;

/// <summary>
/// An integration event: a past-tense fact one service tells the others. Each type names itself once, and that name
/// is both the envelope's <c>type</c> and the Redis stream it travels on (<c>events:{EventType}</c>).
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>The stable wire name of the event type, e.g. <c>user-registered</c>.</summary>
    static abstract string EventType { get; }
}
