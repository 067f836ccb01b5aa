using LearningPlatform.ServiceDefaults.Errors;
using LearningPlatform.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>
/// Lets every process reject a user's access tokens at once (disabled account, changed roles), although they are
/// stateless JWTs: each token carries the user's token generation when issued (claim <see cref="ClaimType"/>); a
/// revocation raises the generation, and tokens of an older generation stop working everywhere.
/// The users' store is the truth (Services keeps each user's generation with the user); Redis is its cache, which
/// every process reads. A marker key says the cache holds every raised generation: Redis emptied (a new instance,
/// data gone) has no marker, and until Services has loaded the generations again no token is accepted as unrevoked
/// (a 503, not a 401): a disabled user stays out whatever happens to Redis.
/// </summary>
public sealed class TokenRevocation(IConnectionMultiplexer redis, RedisKeys keys)
{
    /// <summary>The claim that carries the generation.</summary>
    public const string ClaimType = "gen";

    // Raises a generation, never lowers it: a reload from the store and a revocation may cross.
    private const string RaiseScript = "local c = tonumber(redis.call('GET', KEYS[1]) or '0') if c < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 1";

    private RedisKey Key(string userId) => keys.Key("auth:token-generation:" + userId);

    private RedisKey LoadedKey => keys.Key("auth:token-generations:loaded");

    /// <summary>The generation cached for the user: at least what the store says once loaded.</summary>
    /// <exception cref="DependencyUnavailableException">The cache was emptied and is not reloaded yet.</exception>
    public async Task<long> CurrentGenerationAsync(string userId)
    {
        var values = await redis.GetDatabase().StringGetAsync([Key(userId), LoadedKey]);
        if (values[1].IsNull)
        {
            throw new DependencyUnavailableException("Token revocations are being reloaded from the users' store.");
        }

        return (long?)values[0] ?? 0;
    }

    /// <summary>Puts a generation the store has just raised into the cache.</summary>
    public Task RaiseAsync(string userId, long generation) =>
        redis.GetDatabase().ScriptEvaluateAsync(RaiseScript, [Key(userId)], [generation]);

    /// <summary>Whether a token of <paramref name="userId"/> carrying <paramref name="generation"/> was revoked.</summary>
    public async Task<bool> IsRevokedAsync(string userId, long generation) =>
        generation < await CurrentGenerationAsync(userId);

    /// <summary>Whether the cache holds every raised generation (the marker is there).</summary>
    public Task<bool> IsLoadedAsync() => redis.GetDatabase().KeyExistsAsync(LoadedKey);

    /// <summary>Loads the store's raised generations into the cache, then sets the marker.</summary>
    public async Task LoadAsync(IEnumerable<(string UserId, long Generation)> generations)
    {
        var db = redis.GetDatabase();
        foreach (var chunk in generations.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(g => db.ScriptEvaluateAsync(RaiseScript, [Key(g.UserId)], [g.Generation])));
        }

        await db.StringSetAsync(LoadedKey, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }
}
