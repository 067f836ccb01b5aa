using LearningPlatform.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>
/// Lets every process reject a user's access tokens at once (disabled account, changed roles), although they are
/// stateless JWTs: tokens issued before the user's cut-off time in Redis stop working.
/// </summary>
public sealed class TokenRevocation(IConnectionMultiplexer redis, RedisKeys keys)
{
    private RedisKey Key(string userId) => keys.Key("auth:revoked-before:" + userId);

    /// <summary>Rejects every token of <paramref name="userId"/> issued before now.</summary>
    public Task RevokeAllAsync(string userId, DateTimeOffset now, TimeSpan keepFor) =>
        redis.GetDatabase().StringSetAsync(Key(userId), now.ToUnixTimeSeconds(), keepFor);

    /// <summary>Whether a token of <paramref name="userId"/> issued at <paramref name="issuedAt"/> was revoked.</summary>
    public async Task<bool> IsRevokedAsync(string userId, DateTimeOffset issuedAt)
    {
        var cutoff = await redis.GetDatabase().StringGetAsync(Key(userId));
        // Same second counts as revoked: iat has one-second resolution.
        return cutoff.TryParse(out long seconds) && issuedAt.ToUnixTimeSeconds() <= seconds;
    }
}
