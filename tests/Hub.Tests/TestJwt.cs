using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.Hub.Tests;

/// <summary>Mints tokens the way an attacker or a clock would, to test what the gateway accepts.</summary>
public static class TestJwt
{
    public static string Create(string userId, string[] roles, string? signingKey = null, TimeSpan? lifetime = null, string? name = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var claims = new List<Claim> { new("sub", userId) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        if (name is not null)
        {
            claims.Add(new Claim("name", name));
        }

        var key = signingKey ?? Services.Tests.ServicesFixture.Settings("", "")["Jwt:SigningKey"];
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "learning-platform",
            Audience = "learning-platform",
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(AuthExtensions.SigningKey(new JwtOptions { SigningKey = key }), SecurityAlgorithms.HmacSha256),
        });
    }
}
