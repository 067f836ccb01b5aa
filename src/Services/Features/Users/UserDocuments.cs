using LearningPlatform.Contracts.Events;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Users;

/// <summary>An account as stored. Never leaves the service as is: <see cref="UserResponse"/> is what callers see.</summary>
public sealed class User : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string Email { get; set; } = "";

    /// <summary>Lower-cased email, unique: the same address in another case is the same account.</summary>
    public string EmailNormalized { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public bool Disabled { get; set; }

    public int FailedLogins { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Raised with every revocation (disabled, roles changed) in the same write as the change: the truth that
    /// Redis caches for every process (<see cref="ServiceDefaults.Auth.TokenRevocation"/>).</summary>
    public long TokenGeneration { get; set; }

    public Dictionary<string, string> Preferences { get; set; } = [];

    public List<string> Skills { get; set; } = [];

    public List<string> Interests { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public UserResponse ToResponse() =>
        new(Id, Email, DisplayName, Roles, Disabled, Preferences, Skills, Interests, CreatedAt, UpdatedAt);

    public UserUpdated ToUpdatedEvent() => new(Id, DisplayName, [.. Roles], Disabled, [.. Skills], [.. Interests]);
}

/// <summary>A user as the API shows it (no hash, no lockout counters).</summary>
public sealed record UserResponse(
    string Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool Disabled,
    IReadOnlyDictionary<string, string> Preferences,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Interests,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One refresh token, stored by the SHA-256 of its value (the id) so a leaked database holds no usable tokens.
/// </summary>
public sealed class RefreshToken : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string UserId { get; set; } = "";

    public string FamilyId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when the token was exchanged; presenting it again means it was stolen.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// The chain of refresh tokens that started at one login. Revoking it (logout, reuse, disable) ends every token of the
/// chain with a single write.
/// </summary>
public sealed class RefreshTokenFamily : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string UserId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }
}

/// <summary>The users service's collections.</summary>
public sealed class UserCollections(IDocumentStoreFactory stores)
{
    private readonly IDocumentStore _store = stores.Open("users");

    public IDocumentCollection<User> Users => _store.Collection<User>("users");

    public IDocumentCollection<RefreshToken> RefreshTokens => _store.Collection<RefreshToken>("refresh_tokens");

    public IDocumentCollection<RefreshTokenFamily> Families => _store.Collection<RefreshTokenFamily>("refresh_families");

    public async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        await Users.EnsureIndexAsync(x => x.EmailNormalized, unique: true, cancellationToken);
        await RefreshTokens.EnsureIndexAsync(x => x.FamilyId, cancellationToken: cancellationToken);
        await Families.EnsureIndexAsync(x => x.UserId, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Loads the user, applies <paramref name="change"/> and writes it with the store's version check; on a concurrent
    /// write it reloads and applies the change again (the change sets fields, so a re-run is what the caller meant).
    /// Null when there is no such user; <paramref name="change"/> returning false stops without writing.
    /// </summary>
    public async Task<User?> UpdateUserAsync(string id, Func<User, bool> change, CancellationToken cancellationToken, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            var user = await Users.GetAsync(id, cancellationToken);
            if (user is null)
            {
                return null;
            }

            if (!change(user))
            {
                return user;
            }

            try
            {
                await Users.ReplaceAsync(user, cancellationToken);
                return user;
            }
            catch (ConcurrencyException) when (attempt < attempts)
            {
                // someone else wrote first: go again on their version
            }
        }
    }
}
