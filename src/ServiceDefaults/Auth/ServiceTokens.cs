using System.Security.Claims;
using LearningPlatform.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>
/// Access tokens a platform process uses for itself when no user is behind the call (the Hub saving sessions to
/// Services in the background): role <see cref="Roles.Service"/>, signed with the platform's key, renewed before they
/// expire. No user can hold the role: it is not in <see cref="Roles.All"/>, which role changes are checked against.
/// </summary>
public sealed class ServiceTokens(IOptions<JwtOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private (string Token, DateTimeOffset RenewAt) _current;

    public string For(string processName)
    {
        var now = time.GetUtcNow();
        var current = _current;
        if (current.Token is not null && now < current.RenewAt)
        {
            return current.Token;
        }

        var jwt = options.Value;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, "process:" + processName), new Claim(AuthExtensions.RoleClaimType, Roles.Service)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + jwt.AccessTokenLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(AuthExtensions.SigningKey(jwt), SecurityAlgorithms.HmacSha256),
        });
        _current = (token, now + jwt.AccessTokenLifetime / 2);
        return token;
    }
}
