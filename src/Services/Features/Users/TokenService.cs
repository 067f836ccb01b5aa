using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.Services.Features.Users;

/// <summary>What login and refresh return; without the refresh token when it went into the cookie (<see cref="RefreshCookie"/>).</summary>
public sealed record TokenResponse(
    string AccessToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    int ExpiresIn,
    string TokenType = "Bearer");

/// <summary>Issues access and refresh tokens, and takes them back.</summary>
public sealed class TokenService(
    UserCollections collections,
    TokenRevocation revocation,
    IOptions<JwtOptions> jwtOptions,
    IOptions<LoginOptions> loginOptions,
    TimeProvider time,
    ILogger<TokenService> logger)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A new pair for <paramref name="user"/>; a new refresh-token family unless <paramref name="familyId"/> is given.</summary>
    public async Task<TokenResponse> IssueAsync(User user, string? familyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (familyId is null)
        {
            familyId = Guid.CreateVersion7().ToString("N");
            await collections.Families.InsertAsync(
                new RefreshTokenFamily { Id = familyId, UserId = user.Id, CreatedAt = now }, cancellationToken);
        }

        var refresh = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        await collections.RefreshTokens.InsertAsync(new RefreshToken
        {
            Id = Hash(refresh),
            UserId = user.Id,
            FamilyId = familyId,
            CreatedAt = now,
            ExpiresAt = now + loginOptions.Value.RefreshTokenLifetime,
        }, cancellationToken);

        return new TokenResponse(await AccessTokenAsync(user, now), refresh, (int)jwtOptions.Value.AccessTokenLifetime.TotalSeconds);
    }

    private async Task<string> AccessTokenAsync(User user, DateTimeOffset now)
    {
        var jwt = jwtOptions.Value;
        var identity = new ClaimsIdentity(
        [
            new Claim(JwtRegisteredClaimNames.Sub, user.Id),
            new Claim(JwtRegisteredClaimNames.Email, user.Email),
            new Claim("name", user.DisplayName),
            new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            // The runner lets young accounts share one lane of its round-robin (registering accounts buys no capacity).
            new Claim(AuthExtensions.AccountCreatedClaim, user.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            // The store's generation, or the cache's when higher (generations raised before the store kept them).
            new Claim(TokenRevocation.ClaimType, Math.Max(user.TokenGeneration, await revocation.CurrentGenerationAsync(user.Id)).ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            .. user.Roles.Select(role => new Claim("role", role)),
        ]);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = identity,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + jwt.AccessTokenLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(AuthExtensions.SigningKey(jwt), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The stored token for a presented value, or null when unknown.</summary>
    public Task<RefreshToken?> FindAsync(string refreshToken, CancellationToken cancellationToken) =>
        collections.RefreshTokens.GetAsync(Hash(refreshToken), cancellationToken);

    /// <summary>Ends every token of the family; a no-op when it already ended.</summary>
    public async Task RevokeFamilyAsync(string familyId, string reason, CancellationToken cancellationToken)
    {
        while (true)
        {
            var family = await collections.Families.GetAsync(familyId, cancellationToken);
            if (family is null || family.RevokedAt is not null)
            {
                return;
            }

            family.RevokedAt = time.GetUtcNow();
            family.RevokedReason = reason;
            try
            {
                await collections.Families.ReplaceAsync(family, cancellationToken);
                UsersLog.FamilyRevoked(logger, family.UserId, familyId, reason);
                return;
            }
            catch (ConcurrencyException)
            {
                // revoked or touched by someone else meanwhile: look again
            }
        }
    }

    /// <summary>
    /// Ends every session of the user at once, after the user's raised <see cref="User.TokenGeneration"/> was stored:
    /// access tokens issued until now are rejected by every process, and all refresh-token families are revoked.
    /// </summary>
    public async Task RevokeAllAsync(User user, string reason, CancellationToken cancellationToken)
    {
        await revocation.RaiseAsync(user.Id, user.TokenGeneration);
        var families = await collections.Families.FindAsync(f => f.UserId == user.Id, cancellationToken: cancellationToken);
        foreach (var family in families.Where(f => f.RevokedAt is null))
        {
            await RevokeFamilyAsync(family.Id, reason, cancellationToken);
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
