using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LearningPlatform.Services.Tests;

namespace LearningPlatform.Hub.Tests.Features.Gateway;

/// <summary>What the README walks a newcomer through, through the public entry only.</summary>
[Collection(PlatformCollection.Name)]
public sealed class NewcomerJourneyTests(PlatformFixture platform)
{
    private const string Password = "Correct-horse-42";

    [Fact]
    public async Task Register_login_browse_the_catalog_and_read_an_exercise()
    {
        using var anonymous = platform.Client();
        var email = $"new-{Guid.NewGuid():N}@example.test";

        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = Password, displayName = "Newcomer" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var tokens = await LoginAsync(anonymous, email);

        using var client = platform.Client(tokens.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/users/me");
        Assert.Equal("Newcomer", me.GetProperty("displayName").GetString());
        Assert.Equal(["learner"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var courses = await client.GetFromJsonAsync<JsonElement>("/api/courses?language=python");
        var courseId = courses.GetProperty("items").EnumerateArray().First().GetProperty("id").GetString();
        var course = await client.GetFromJsonAsync<JsonElement>($"/api/courses/{courseId}");
        var exerciseId = course.GetProperty("modules")[0].GetProperty("exercises")[0].GetProperty("id").GetString();

        var exercise = await client.GetFromJsonAsync<JsonElement>($"/api/exercises/{exerciseId}");
        Assert.Equal("python", exercise.GetProperty("language").GetString());
        Assert.NotEmpty(exercise.GetProperty("starterFiles").EnumerateArray());
        Assert.False(exercise.TryGetProperty("hiddenTests", out _));
        Assert.False(exercise.TryGetProperty("solution", out _));
    }

    [Fact]
    public async Task Refresh_through_the_gateway_rotates_and_a_replayed_token_is_refused()
    {
        using var anonymous = platform.Client();
        var email = await RegisterAsync(anonymous);
        var first = await LoginAsync(anonymous, email);
        var refreshToken = first.GetProperty("refreshToken").GetString();

        using var rotated = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        using var replayed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("application/problem+json", replayed.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"email\": \"a@b.c\", \"password\": ", "Malformed JSON")]
    [InlineData("{\"email\": 42, \"password\": [], \"displayName\": {}}", "Malformed JSON")]
    [InlineData("[1, 2, 3]", "Malformed JSON")]
    public async Task Malformed_bodies_get_a_400_problem_that_says_what_is_wrong(string body, string title)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await platform.Client().PostAsync("/api/auth/register", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Unknown_ids_get_404_problems_and_learners_cannot_reach_admin_endpoints()
    {
        using var anonymous = platform.Client();
        var tokens = await LoginAsync(anonymous, await RegisterAsync(anonymous));
        using var client = platform.Client(tokens.GetProperty("accessToken").GetString());

        using var unknownExercise = await client.GetAsync("/api/exercises/no-such-exercise");
        using var unknownCourse = await client.GetAsync("/api/courses/no-such-course");
        using var adminList = await client.GetAsync("/api/users");

        Assert.Equal(HttpStatusCode.NotFound, unknownExercise.StatusCode);
        Assert.Equal("application/problem+json", unknownExercise.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownCourse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminList.StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_token_stops_working_at_the_gateway_at_once()
    {
        using var anonymous = platform.Client();
        var email = await RegisterAsync(anonymous);
        var learner = await LoginAsync(anonymous, email);
        using var learnerClient = platform.Client(learner.GetProperty("accessToken").GetString());
        var learnerId = (await learnerClient.GetFromJsonAsync<JsonElement>("/api/users/me")).GetProperty("id").GetString();
        var admin = await LoginAsync(anonymous, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        using var adminClient = platform.Client(admin.GetProperty("accessToken").GetString());

        using var disabled = await adminClient.PostAsync($"/api/users/{learnerId}/disable", null);
        using var afterwards = await learnerClient.GetAsync("/api/users/me");

        Assert.True(disabled.IsSuccessStatusCode, $"disable answered {disabled.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    private static async Task<string> RegisterAsync(HttpClient client)
    {
        var email = $"u-{Guid.NewGuid():N}@example.test";
        using var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password, displayName = "User" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return email;
    }

    private static async Task<JsonElement> LoginAsync(HttpClient client, string email, string password = Password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
