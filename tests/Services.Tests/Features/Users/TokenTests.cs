using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using LearningPlatform.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class TokenTests(ServicesFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task Refresh_ValidToken_RotatesAndOldTokenIsUsedUp()
    {
        var (user, first) = await UsersApi.NewLearnerAsync(_client);

        var response = await UsersApi.RefreshAsync(_client, first.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = (await response.Content.ReadFromJsonAsync<TokenPair>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(user.Id, new JsonWebToken(second.AccessToken).Subject);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(second.AccessToken).GetAsync("/api/users/me")).StatusCode);
        // and the new one works in turn
        Assert.Equal(HttpStatusCode.OK, (await UsersApi.RefreshAsync(_client, second.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task Refresh_ReusedToken_Returns401AndRevokesTheWholeFamily()
    {
        var (_, first) = await UsersApi.NewLearnerAsync(_client);
        var second = (await (await UsersApi.RefreshAsync(_client, first.RefreshToken)).Content.ReadFromJsonAsync<TokenPair>())!;

        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_client, first.RefreshToken), HttpStatusCode.Unauthorized);

        // the legitimate newest token of that family is dead too
        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_client, second.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_OtherLoginsFamily_IsNotAffectedByReuse()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);
        var deviceA = await UsersApi.LoginOkAsync(_client, email);
        var deviceB = await UsersApi.LoginOkAsync(_client, email);
        await UsersApi.RefreshAsync(_client, deviceA.RefreshToken);
        await UsersApi.RefreshAsync(_client, deviceA.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, (await UsersApi.RefreshAsync(_client, deviceB.RefreshToken)).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token-we-issued")]
    public async Task Refresh_UnknownToken_Returns401(string token)
    {
        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_client, token), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RevokesTheFamily()
    {
        var (_, first) = await UsersApi.NewLearnerAsync(_client);
        var second = (await (await UsersApi.RefreshAsync(_client, first.RefreshToken)).Content.ReadFromJsonAsync<TokenPair>())!;

        var logout = await _client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = second.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_client, second.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessToken_SelfMadeWithTheRightKey_IsAccepted()
    {
        // Control for the rejections below: a token built this way is good unless one thing is wrong.
        var (user, _) = await UsersApi.NewLearnerAsync(_client);

        var token = MakeToken(user.Id, SigningKey, DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(token).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task AccessToken_Expired_Returns401()
    {
        var (user, _) = await UsersApi.NewLearnerAsync(_client);

        var token = MakeToken(user.Id, SigningKey, DateTime.UtcNow.AddMinutes(-5));

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(token).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task AccessToken_SignedWithAnotherKey_Returns401()
    {
        var (user, _) = await UsersApi.NewLearnerAsync(_client);

        var token = MakeToken(user.Id, "another-signing-key-0123456789abcdef0123", DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(token).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task AccessToken_ForgedPayload_Returns401()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_client);
        var parts = tokens.AccessToken.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace($"\"{Roles.Learner}\"", $"\"{Roles.Admin}\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        Assert.NotEqual(tokens.AccessToken, forged);

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(forged).GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(forged).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task AccessToken_Unsigned_Returns401()
    {
        var (user, _) = await UsersApi.NewLearnerAsync(_client);
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "learning-platform",
            Audience = "learning-platform",
            Subject = new ClaimsIdentity([new Claim("sub", user.Id), new Claim("role", Roles.Admin)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(unsigned).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task Me_WithoutToken_Returns401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/api/users/me")).StatusCode);
    }

    private static string SigningKey => ServicesFixture.Settings("", "")["Jwt:SigningKey"];

    private static string MakeToken(string userId, string key, DateTime expires) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "learning-platform",
            Audience = "learning-platform",
            Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("role", Roles.Learner), new Claim("jti", Guid.NewGuid().ToString("N"))]),
            IssuedAt = expires.AddMinutes(-15),
            NotBefore = expires.AddMinutes(-15),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
