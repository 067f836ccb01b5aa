using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Pushes a learner's new recommendations to all their connections. One hub process of the group handles each
/// event and publishes it on one Redis channel that every hub process hears (<see cref="RecommendationsFanOut"/>);
/// each sends it to its own connections of the learner. A repeat is harmless: the client replaces the list.
/// </summary>
internal sealed class RecommendationsPush(IConnectionMultiplexer redis, RecommendationsChannel channel) : IIntegrationEventHandler<RecommendationsUpdated>
{
    public Task HandleAsync(EventEnvelope<RecommendationsUpdated> envelope, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(channel.Name, JsonSerializer.Serialize(envelope.Payload, RecommendationsChannel.Json));
}

/// <summary>The channel on which hub processes pass recommendations to each other (with the platform's prefix).</summary>
internal sealed class RecommendationsChannel(RedisKeys keys)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public RedisChannel Name { get; } = RedisChannel.Literal(keys.Key("workbench:recommendations").ToString());
}

/// <summary>
/// Every hub process subscribes once to <see cref="RecommendationsChannel"/> and writes each message to its local
/// connections of the learner. <c>Clients.Client(id)</c> writes a local connection directly; the plural
/// <c>Clients.Clients(ids)</c> would go through Redis again.
/// </summary>
internal sealed class RecommendationsFanOut(
    IConnectionMultiplexer redis,
    RecommendationsChannel channel,
    LocalUsers users,
    IHubContext<WorkbenchHub, IWorkbenchClient> hub,
    ILogger<RecommendationsFanOut> logger) : IHostedService
{
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await redis.GetSubscriber().SubscribeAsync(channel.Name);
        // The queue hands messages over one at a time, so a learner's updates arrive in the order they were made.
        _queue.OnMessage(message => Deliver(message.Message));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Not awaited: the subscription ends with the connection anyway, and stopping should not wait on Redis.
        _queue?.Unsubscribe(CommandFlags.FireAndForget);
        return Task.CompletedTask;
    }

    private void Deliver(RedisValue message)
    {
        RecommendationsUpdated? update;
        try
        {
            update = JsonSerializer.Deserialize<RecommendationsUpdated>((string)message!, RecommendationsChannel.Json);
        }
        catch (JsonException e)
        {
            WorkbenchLog.RecommendationsUnreadable(logger, e);
            return;
        }

        if (update?.UserId is null)
        {
            return;
        }

        foreach (var connectionId in users.ConnectionsOf(update.UserId))
        {
            // Not awaited: a client that reads slowly must not hold up everyone else's updates. SignalR queues the
            // writes of one connection in order.
            _ = SendAsync(connectionId, update);
        }
    }

    private async Task SendAsync(string connectionId, RecommendationsUpdated update)
    {
        try
        {
            await hub.Clients.Client(connectionId).Recommendations(update);
        }
        catch (Exception e)
        {
            WorkbenchLog.RecommendationsNotSent(logger, update.UserId, connectionId, e);
        }
    }
}

/// <summary>
/// Hub connections have no SignalR user id: with one, the Redis backplane subscribes to a channel per connected user
/// (about 2.6 KB each). Nothing addresses <c>Clients.User</c>; a message for a user goes through
/// <see cref="LocalUsers"/>, as <see cref="RecommendationsFanOut"/> does.
/// </summary>
internal sealed class NoUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => null;
}
