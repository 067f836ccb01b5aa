using LearningPlatform.ServiceDefaults.Events;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Common;

/// <summary>Services' outbox: what waits there reaches its stream, in order, whatever it carries (or lacks).</summary>
[Collection(ServicesCollection.Name)]
public sealed class EventOutboxTests(ServicesFixture services)
{
    [Fact]
    public async Task Waiting_events_reach_their_stream_in_order_even_without_a_correlation_id()
    {
        var outbox = services.Services.GetRequiredService<IEventOutbox>();
        var stream = services.RedisPrefix + "events:outbox-test-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        // As saved while Redis was down: one from a background job (no correlation id), one from a request.
        await outbox.SaveAsync(new OutgoingEvent("e1", stream, "outbox-test", now, "", "{\"n\":1}"), CancellationToken.None);
        await outbox.SaveAsync(new OutgoingEvent("e2", stream, "outbox-test", now.AddTicks(1), "corr-2", "{\"n\":2}"), CancellationToken.None);

        services.Services.GetRequiredService<OutboxRelay>().Kick();

        var db = services.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        StreamEntry[] entries;
        while ((entries = await db.StreamRangeAsync(stream)).Length < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(["e1", "e2"], entries.Select(e => (string)e["id"]!));
        Assert.Equal("", (string)entries[0]["correlationId"]!);
        // Each message leaves the outbox once its stream has it: just after, not with it.
        while ((await outbox.PendingAsync(10, CancellationToken.None)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Empty(await outbox.PendingAsync(10, CancellationToken.None));
    }
}
