using LearningPlatform.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>
/// Lets every process reject a user's access tokens at once (disabled account, changed roles), although they are
/// stateless JWTs: each token carries the user's token generation when issued (claim <see cref="ClaimType"/>);
/// revoking bumps the generation in Redis, and tokens of an older generation stop working everywhere.
/// </summary>
public sealed class TokenRevocation(IConnectionMultiplexer redis, RedisKeys keys)
{
    /// <summary>The claim that carries the generation.</summary>
    public const string ClaimType = "gen";

    private RedisKey Key(string userId) => keys.Key("auth:token-generation:" + userId);

    /// <summary>The generation a token issued now must carry.</summary>
    public async Task<long> CurrentGenerationAsync(string userId) =>
        (long?)await redis.GetDatabase().StringGetAsync(Key(userId)) ?? 0;

    /// <summary>Rejects every token of <paramref name="userId"/> issued so far.</summary>
    public Task RevokeAllAsync(string userId) => redis.GetDatabase().StringIncrementAsync(Key(userId));

    /// <summary>Whether a token of <paramref name="userId"/> carrying <paramref name="generation"/> was revoked.</summary>
    public async Task<bool> IsRevokedAsync(string userId, long generation) =>
        generation < await CurrentGenerationAsync(userId);
}
