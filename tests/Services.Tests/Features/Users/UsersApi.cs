using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LearningPlatform.Services.Tests.Features.Users;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

public sealed record UserView(
    string Id,
    string Email,
    string DisplayName,
    List<string> Roles,
    bool Disabled,
    Dictionary<string, string> Preferences,
    List<string> Skills,
    List<string> Interests);

/// <summary>Calls of the users API the tests share; every account gets a fresh random email.</summary>
public static class UsersApi
{
    public const string Password = "Correct-horse-42";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    public static async Task<UserView> RegisterAsync(HttpClient client, string email, string password = Password, string displayName = "Test User")
    {
        var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password, displayName });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserView>())!;
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password = Password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    public static async Task<TokenPair> LoginOkAsync(HttpClient client, string email, string password = Password)
    {
        var response = await LoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    /// <summary>A new learner, logged in.</summary>
    public static async Task<(UserView User, TokenPair Tokens)> NewLearnerAsync(HttpClient client)
    {
        var email = NewEmail();
        var user = await RegisterAsync(client, email);
        return (user, await LoginOkAsync(client, email));
    }

    public static Task<TokenPair> AdminLoginAsync(HttpClient client) =>
        LoginOkAsync(client, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The field names of a 400 ValidationProblem.</summary>
    public static async Task<string[]> ValidationErrorsAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
    }
}
