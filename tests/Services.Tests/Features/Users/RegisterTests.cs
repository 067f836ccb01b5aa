using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LearningPlatform.Contracts;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class RegisterTests(ServicesFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task Register_ValidRequest_Returns201WithUserAndNoHash()
    {
        var email = UsersApi.NewEmail();
        var response = await _client.PostAsJsonAsync("/api/auth/register", new { email, password = UsersApi.Password, displayName = "  Ada  " });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(UsersApi.Password, body, StringComparison.Ordinal);
        var user = JsonSerializer.Deserialize<UserView>(body, JsonSerializerOptions.Web)!;
        Assert.Equal(email, user.Email);
        Assert.Equal("Ada", user.DisplayName);
        Assert.Equal([Roles.Learner], user.Roles);
        Assert.False(user.Disabled);
        Assert.False(string.IsNullOrEmpty(user.Id));
        Assert.Equal($"/api/users/{user.Id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Register_SameEmailInOtherCase_Returns409()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);

        var response = await _client.PostAsJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = UsersApi.Password, displayName = "Copy" });

        var problem = await UsersApi.ProblemAsync(response, HttpStatusCode.Conflict);
        // Keyed by field as a ValidationProblem's errors are, so that a form shows it next to the email.
        var errors = problem.GetProperty("errors");
        Assert.Equal(["email"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains("already exists", errors.GetProperty("email")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("Bob <bob@example.test>")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Register_BadEmail_Returns400WithEmailError(string? email)
    {
        var response = await _client.PostAsJsonAsync("/api/auth/register", new { email, password = UsersApi.Password, displayName = "X" });

        Assert.Equal(["email"], await UsersApi.ValidationErrorsAsync(response));
    }

    [Theory]
    [InlineData("Sh0rt!")] // too short
    [InlineData("alllowercaseletters")] // one class only
    [InlineData("12345678901234")] // one class only
    public async Task Register_WeakPassword_Returns400WithPasswordError(string password)
    {
        var response = await _client.PostAsJsonAsync("/api/auth/register", new { email = UsersApi.NewEmail(), password, displayName = "X" });

        Assert.Equal(["password"], await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task Register_PasswordEqualToEmail_Returns400()
    {
        var email = UsersApi.NewEmail();
        var response = await _client.PostAsJsonAsync("/api/auth/register", new { email, password = email.ToUpperInvariant(), displayName = "X" });

        Assert.Equal(["password"], await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task Register_MissingAndTooLongDisplayName_Returns400()
    {
        var missing = await _client.PostAsJsonAsync("/api/auth/register", new { email = UsersApi.NewEmail(), password = UsersApi.Password });
        var tooLong = await _client.PostAsJsonAsync("/api/auth/register", new { email = UsersApi.NewEmail(), password = UsersApi.Password, displayName = new string('x', 101) });

        Assert.Equal(["displayName"], await UsersApi.ValidationErrorsAsync(missing));
        Assert.Equal(["displayName"], await UsersApi.ValidationErrorsAsync(tooLong));
    }

    [Theory]
    [InlineData("{\"email\": \"a@example.test\", ")] // malformed
    [InlineData("{\"email\": 42, \"password\": \"Correct-horse-42\", \"displayName\": \"X\"}")] // wrong type
    [InlineData("[1, 2]")] // wrong shape
    public async Task Register_UnreadableBody_Returns400Problem(string json)
    {
        var response = await _client.PostAsync("/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        await UsersApi.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_PublishesUserRegisteredToRedisStream()
    {
        var user = await UsersApi.RegisterAsync(_client, UsersApi.NewEmail());

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379");
        var entries = await redis.GetDatabase().StreamRangeAsync(fixture.RedisPrefix + "events:user-registered");
        var entry = Assert.Single(entries, e => e["payload"].ToString().Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal("user-registered", entry["type"].ToString());
        var payload = JsonDocument.Parse(entry["payload"].ToString()).RootElement;
        Assert.Equal(user.Email, payload.GetProperty("email").GetString());
        Assert.Equal(Roles.Learner, payload.GetProperty("roles")[0].GetString());
    }
}
