using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class MeTests(ServicesFixture fixture)
{
    private readonly HttpClient _anonymous = fixture.Client();

    [Fact]
    public async Task GetMe_ReturnsTheCallersAccountWithoutHash()
    {
        var (user, tokens) = await UsersApi.NewLearnerAsync(_anonymous);

        var response = await fixture.Client(tokens.AccessToken).GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(user.Id, JsonSerializer.Deserialize<UserView>(body, JsonSerializerOptions.Web)!.Id);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task PatchMe_ChangesOnlyTheGivenFieldsAndPublishesUserUpdated()
    {
        var (user, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var client = fixture.Client(tokens.AccessToken);

        var first = await client.PatchAsJsonAsync("/api/users/me", new
        {
            displayName = "New Name",
            preferences = new Dictionary<string, string> { ["theme"] = "dark", ["editor:font-size"] = "14" },
            skills = new[] { "C#", "c#", " SQL " },
        });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await client.PatchAsJsonAsync("/api/users/me", new
        {
            preferences = new Dictionary<string, string?> { ["theme"] = null, ["lang"] = "en" },
            interests = new[] { "compilers" },
        });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var me = (await client.GetFromJsonAsync<UserView>("/api/users/me"))!;
        Assert.Equal("New Name", me.DisplayName);
        Assert.Equal(new Dictionary<string, string> { ["editor:font-size"] = "14", ["lang"] = "en" }, me.Preferences);
        Assert.Equal(["C#", "SQL"], me.Skills);
        Assert.Equal(["compilers"], me.Interests);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379");
        var entries = await redis.GetDatabase().StreamRangeAsync(fixture.RedisPrefix + "events:user-updated");
        Assert.Equal(2, entries.Count(e => e["payload"].ToString().Contains(user.Id, StringComparison.Ordinal)));
    }

    public static TheoryData<string, object> OutOfBounds() => new()
    {
        { "displayName", new { displayName = new string('x', 101) } },
        { "displayName", new { displayName = "   " } },
        { "skills", new { skills = Enumerable.Range(0, 51).Select(i => $"skill{i}").ToArray() } },
        { "skills", new { skills = new[] { new string('s', 65) } } },
        { "interests", new { interests = new[] { "" } } },
        { "preferences", new { preferences = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v") } },
        { "preferences", new { preferences = new Dictionary<string, string> { [new string('k', 65)] = "v" } } },
        { "preferences", new { preferences = new Dictionary<string, string> { ["a.b"] = "v" } } },
        { "preferences", new { preferences = new Dictionary<string, string> { ["k"] = new string('v', 1001) } } },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task PatchMe_OutOfBounds_Returns400AndChangesNothing(string field, object body)
    {
        var (user, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var client = fixture.Client(tokens.AccessToken);

        var response = await client.PatchAsJsonAsync("/api/users/me", body);

        Assert.Equal([field], await UsersApi.ValidationErrorsAsync(response));
        var me = (await client.GetFromJsonAsync<UserView>("/api/users/me"))!;
        Assert.Equal(user.DisplayName, me.DisplayName);
        Assert.Empty(me.Preferences);
        Assert.Empty(me.Skills);
    }

    [Fact]
    public async Task PatchMe_PreferencesMergedPastTheBound_Returns400()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var client = fixture.Client(tokens.AccessToken);
        var ok = await client.PatchAsJsonAsync("/api/users/me", new { preferences = Enumerable.Range(0, 50).ToDictionary(i => $"a{i}", _ => "v") });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var response = await client.PatchAsJsonAsync("/api/users/me", new { preferences = new Dictionary<string, string> { ["one-more"] = "v" } });

        Assert.Equal(["preferences"], await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task PatchMe_StaleIfMatch_Returns412AndDoesNotOverwrite()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var client = fixture.Client(tokens.AccessToken);
        var etag = (await client.GetAsync("/api/users/me")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync("/api/users/me", new { displayName = "First writer" })).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Patch, "/api/users/me") { Content = JsonContent.Create(new { displayName = "Second writer" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await client.SendAsync(stale);

        await UsersApi.ProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal("First writer", (await client.GetFromJsonAsync<UserView>("/api/users/me"))!.DisplayName);
    }

    [Fact]
    public async Task PatchMe_ConcurrentUpdatesOfDifferentFields_AllSurvive()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var client = fixture.Client(tokens.AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PatchAsJsonAsync("/api/users/me", new { preferences = new Dictionary<string, string> { [$"p{i}"] = "v" } })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var me = (await client.GetFromJsonAsync<UserView>("/api/users/me"))!;
        // every request that was told OK is stored: none was silently overwritten by another
        Assert.Equal(responses.Count(r => r.StatusCode == HttpStatusCode.OK), me.Preferences.Count);
    }

    [Fact]
    public async Task PatchMe_WrongType_Returns400Problem()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_anonymous);

        var response = await fixture.Client(tokens.AccessToken).PatchAsJsonAsync("/api/users/me", new { skills = "not-a-list" });

        await UsersApi.ProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
