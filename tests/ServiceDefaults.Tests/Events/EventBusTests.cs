using System.Collections.Concurrent;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Tests.Events;

/// <summary>The Redis Streams bus against a real Redis, each test under a key prefix of its own.</summary>
public sealed class EventBusTests : IAsyncLifetime
{
    private static readonly string RedisConfiguration = Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379";
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":";
    private readonly List<IHost> _hosts = [];

    [Fact]
    public async Task Published_event_reaches_the_handler_with_its_envelope()
    {
        var (host, handled) = await StartConsumerAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        var id = await publisher.PublishAsync(new UserRegistered("u1", "a@b.c", "Ada", ["learner"]));

        var envelope = await WaitForAsync(handled, 1);
        Assert.Equal(id, envelope[0].Id);
        Assert.Equal("user-registered", envelope[0].Type);
        Assert.Equal("Ada", envelope[0].Payload.DisplayName);
    }

    [Fact]
    public async Task A_repeated_event_id_has_no_second_effect()
    {
        var (host, handled) = await StartConsumerAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        await publisher.PublishAsync(new UserRegistered("u1", "a@b.c", "Ada", ["learner"]), eventId: "same-id");
        await publisher.PublishAsync(new UserRegistered("u1", "a@b.c", "Ada", ["learner"]), eventId: "same-id");
        await publisher.PublishAsync(new UserRegistered("u2", "b@b.c", "Bob", ["learner"]), eventId: "other-id");

        var all = await WaitForAsync(handled, 2);
        await WaitUntilAcknowledgedAsync(0);
        Assert.Equal(["u1", "u2"], all.Select(e => e.Payload.UserId).Order());
    }

    [Fact]
    public async Task Entry_left_pending_by_a_dead_consumer_is_claimed_and_handled()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration);
        var db = redis.GetDatabase();
        var stream = _prefix + "events:user-registered";
        await db.StreamCreateConsumerGroupAsync(stream, "test", "0-0", createStream: true);
        await db.StreamAddAsync(stream, [
            new("id", "orphan"), new("type", "user-registered"), new("time", DateTimeOffset.UtcNow.ToString("O")),
            new("correlationId", "c-1"), new("payload", """{"userId":"u9","email":"x@y.z","displayName":"Zed","roles":["learner"]}"""),
        ]);
        // A consumer that read the entry and died before acknowledging it.
        var read = await db.StreamReadGroupAsync(stream, "test", "dead-consumer", ">", 10);
        Assert.Single(read);

        var (_, handled) = await StartConsumerAsync();

        var envelope = await WaitForAsync(handled, 1);
        Assert.Equal("orphan", envelope[0].Id);
        Assert.Equal("c-1", envelope[0].CorrelationId);
        await WaitUntilAcknowledgedAsync(0);
    }

    [Fact]
    public async Task Poison_entry_goes_to_the_dead_letter_stream_and_the_next_one_is_handled()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration);
        var db = redis.GetDatabase();
        var stream = _prefix + "events:user-registered";
        await db.StreamAddAsync(stream, [new("id", "bad"), new("type", "user-registered"), new("payload", "{not json")]);
        var (host, handled) = await StartConsumerAsync();

        await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new UserRegistered("u3", "c@d.e", "Cy", ["learner"]));

        var envelope = await WaitForAsync(handled, 1);
        Assert.Equal("u3", envelope[0].Payload.UserId);
        Assert.Equal(1, await db.StreamLengthAsync(stream + ":dead"));
    }

    private async Task<(IHost Host, ConcurrentQueue<EventEnvelope<UserRegistered>> Handled)> StartConsumerAsync()
    {
        var handled = new ConcurrentQueue<EventEnvelope<UserRegistered>>();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = RedisConfiguration,
            ["Redis:KeyPrefix"] = _prefix,
            [TestLogging.Key] = TestLogging.Level,
            ["Events:Group"] = "test",
            ["Events:ReadBlock"] = "00:00:00.200",
            ["Events:ClaimIdleAfter"] = "00:00:00.200",
        });
        builder.Services.AddRedis().AddEventBus().AddSingleton(handled)
            .AddEventHandler<UserRegistered, RecordingHandler>();
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return (host, handled);
    }

    private async Task WaitUntilAcknowledgedAsync(long pendingExpected)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long pending;
        do
        {
            pending = (await redis.GetDatabase().StreamPendingAsync(_prefix + "events:user-registered", "test")).PendingMessageCount;
            if (pending == pendingExpected)
            {
                return;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(pendingExpected, pending);
    }

    private static async Task<List<T>> WaitForAsync<T>(ConcurrentQueue<T> queue, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (queue.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Let a wrongly repeated delivery show up before counting.
        await Task.Delay(300);
        Assert.Equal(count, queue.Count);
        return [.. queue];
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration + ",allowAdmin=true");
        var server = redis.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }
    }

    private sealed class RecordingHandler(ConcurrentQueue<EventEnvelope<UserRegistered>> handled) : IIntegrationEventHandler<UserRegistered>
    {
        public Task HandleAsync(EventEnvelope<UserRegistered> envelope, CancellationToken cancellationToken)
        {
            handled.Enqueue(envelope);
            return Task.CompletedTask;
        }
    }
}
