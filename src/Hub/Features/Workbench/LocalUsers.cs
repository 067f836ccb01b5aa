using System.Collections.Concurrent;
using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.SignalR;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Which connections of this hub process belong to which user, so that a message for a user reaches their local
/// connections without SignalR's user addressing (which costs a Redis subscription per connected user).
/// </summary>
public sealed class LocalUsers
{
    // Copy-on-write arrays: a user rarely has more than a couple of tabs open, and readers need no lock.
    private readonly ConcurrentDictionary<string, string[]> _connections = new(StringComparer.Ordinal);

    /// <summary>The connection belongs to the user from now on.</summary>
    public void Add(string userId, string connectionId) =>
        _connections.AddOrUpdate(userId, static (_, id) => [id], static (_, ids, id) => ids.Contains(id) ? ids : [.. ids, id], connectionId);

    /// <summary>The connection closed; the user's entry goes with their last connection.</summary>
    public void Remove(string userId, string connectionId)
    {
        while (_connections.TryGetValue(userId, out var ids))
        {
            var left = ids.Where(id => id != connectionId).ToArray();
            var done = left.Length == 0
                ? _connections.TryRemove(new KeyValuePair<string, string[]>(userId, ids))
                : _connections.TryUpdate(userId, left, ids);
            if (done)
            {
                return;
            }
        }
    }

    /// <summary>The user's connections on this process (none when they have none here).</summary>
    public IReadOnlyList<string> ConnectionsOf(string userId) => _connections.TryGetValue(userId, out var ids) ? ids : [];
}

/// <summary>
/// Keeps <see cref="LocalUsers"/> up to date around the hub's <c>OnConnectedAsync</c> and <c>OnDisconnectedAsync</c>,
/// so the hub itself need not know about it.
/// </summary>
internal sealed class LocalUsersFilter(LocalUsers users) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        // Only once the hub accepted the connection: a throwing OnConnectedAsync gets no OnDisconnectedAsync.
        users.Add(context.Context.User!.UserId(), context.Context.ConnectionId);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            users.Remove(context.Context.User!.UserId(), context.Context.ConnectionId);
        }
    }
}
