using System.Security.Claims;
using System.Text;
using LearningPlatform.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.Services.Tests;

/// <summary>
/// Access tokens signed with the test host's key, so feature tests need not go through registration and login.
/// Same shape as the tokens the Users feature issues: sub, one role claim per role, iat.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "learning-platform";
    public const string Audience = "learning-platform";

    private static readonly JsonWebTokenHandler Handler = new();

    public static string For(string userId, params string[] roles)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ServicesFixture.Settings("", "")["Jwt:SigningKey"]));
        var now = DateTime.UtcNow;
        var identity = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId), .. roles.Select(r => new Claim("role", r))]);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = identity,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public static string NewUserId() => "u-" + Guid.NewGuid().ToString("N")[..12];

    public static string Learner(string? userId = null) => For(userId ?? NewUserId(), Roles.Learner);

    public static string Instructor(string? userId = null) => For(userId ?? NewUserId(), Roles.Instructor);

    public static string Admin(string? userId = null) => For(userId ?? NewUserId(), Roles.Admin);
}
