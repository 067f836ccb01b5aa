using System.Net;
using LearningPlatform.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class LoginTests(ServicesFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task Login_RightPassword_ReturnsAccessTokenWithClaimsAndRefreshToken()
    {
        var email = UsersApi.NewEmail();
        var user = await UsersApi.RegisterAsync(_client, email, displayName: "Grace");

        var tokens = await UsersApi.LoginOkAsync(_client, email.ToUpperInvariant());

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(15 * 60, tokens.ExpiresIn);
        Assert.True(tokens.RefreshToken.Length >= 40);
        var jwt = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(user.Id, jwt.Subject);
        Assert.Equal(email, jwt.GetClaim("email").Value);
        Assert.Equal("Grace", jwt.GetClaim("name").Value);
        Assert.Equal([Roles.Learner], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.NotEqual(default, jwt.IssuedAt);

        var me = await fixture.Client(tokens.AccessToken).GetAsync("/api/users/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownEmail_Return401WithTheSameMessage()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);

        var wrongPassword = await UsersApi.ProblemAsync(await UsersApi.LoginAsync(_client, email, "Wrong-password-1"), HttpStatusCode.Unauthorized);
        var unknownEmail = await UsersApi.ProblemAsync(await UsersApi.LoginAsync(_client, UsersApi.NewEmail()), HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword.GetProperty("title").GetString(), unknownEmail.GetProperty("title").GetString());
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), unknownEmail.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("", "Some-password-1", new[] { "email" })]
    [InlineData("someone@example.test", "", new[] { "password" })]
    [InlineData(null, null, new[] { "email", "password" })]
    public async Task Login_MissingField_Returns400WithThatFieldsError(string? email, string? password, string[] fields)
    {
        var response = await UsersApi.LoginAsync(_client, email!, password!);

        Assert.Equal(fields, await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task Login_FiveFailures_LocksTheAccountEvenForTheRightPassword()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await UsersApi.LoginAsync(_client, email, "Wrong-password-1")).StatusCode);
        }

        var fifth = await UsersApi.LoginAsync(_client, email, "Wrong-password-1");
        var locked = await UsersApi.ProblemAsync(fifth, (HttpStatusCode)423);
        Assert.Equal("Account locked", locked.GetProperty("title").GetString());
        Assert.NotNull(fifth.Headers.RetryAfter);

        await UsersApi.ProblemAsync(await UsersApi.LoginAsync(_client, email), (HttpStatusCode)423);
    }

    [Fact]
    public async Task Login_Success_ResetsTheFailureCount()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await UsersApi.LoginAsync(_client, email, "Wrong-password-1")).StatusCode);
        }

        await UsersApi.LoginOkAsync(_client, email);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await UsersApi.LoginAsync(_client, email, "Wrong-password-1")).StatusCode);
        }

        await UsersApi.LoginOkAsync(_client, email);
    }

    [Fact]
    public async Task Login_SeededAdmin_GetsAdminRole()
    {
        var tokens = await UsersApi.AdminLoginAsync(_client);

        var jwt = new JsonWebToken(tokens.AccessToken);
        Assert.Contains(Roles.Admin, jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
    }
}
