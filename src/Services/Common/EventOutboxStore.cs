using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Common;

/// <summary>An integration event on its way to Redis, kept in Services' document store until Redis has it.</summary>
public sealed class OutboxMessage : IDocument
{
    /// <summary><c>{type}:{event id}</c>: event ids are unique within a stream only (a run's id names both its
    /// <c>RunCompleted</c> and its <c>SubmissionEvaluated</c>).</summary>
    public string Id { get; set; } = "";

    public string EventId { get; set; } = "";

    public long Version { get; set; }

    public string Stream { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    public string CorrelationId { get; set; } = "";

    public string Payload { get; set; } = "";

    /// <summary>Order of saving, so the relay keeps the order the events happened in.</summary>
    public long Sequence { get; set; }
}

/// <summary>Services' <see cref="IEventOutbox"/>: a collection of its own database.</summary>
internal sealed class EventOutboxStore(IDocumentStoreFactory stores) : IEventOutbox
{
    public const string Database = "outbox";

    private readonly IDocumentCollection<OutboxMessage> _messages = stores.Open(Database).Collection<OutboxMessage>("messages");

    public async Task SaveAsync(OutgoingEvent e, CancellationToken cancellationToken)
    {
        var message = new OutboxMessage
        {
            Id = Key(e), EventId = e.Id, Stream = e.Stream, Type = e.Type, Time = e.Time, CorrelationId = e.CorrelationId, Payload = e.Payload,
            Sequence = e.Time.UtcTicks,
        };
        try
        {
            await _messages.InsertAsync(message, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            // the same event (same type and id) is already waiting: published once
        }
    }

    public async Task<IReadOnlyList<OutgoingEvent>> PendingAsync(int max, CancellationToken cancellationToken) =>
        [.. (await _messages.FindAsync(m => m.Sequence >= 0, new FindOptions<OutboxMessage> { SortBy = m => m.Sequence, Limit = max }, cancellationToken))
            // Messages stored before strings were kept exactly (LiteDB then turned "" into null) may have none.
            .Select(m => new OutgoingEvent(m.EventId, m.Stream, m.Type, m.Time, m.CorrelationId ?? "", m.Payload))];

    public Task RemoveAsync(OutgoingEvent e, CancellationToken cancellationToken) => _messages.DeleteAsync(Key(e), cancellationToken);

    private static string Key(OutgoingEvent e) => e.Type + ":" + e.Id;
}
