using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts;
using LearningPlatform.Services.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class AdminTests(ServicesFixture fixture)
{
    private readonly HttpClient _anonymous = fixture.Client();

    private async Task<HttpClient> AdminAsync() => fixture.Client((await UsersApi.AdminLoginAsync(_anonymous)).AccessToken);

    [Fact]
    public async Task List_PagesWithTotal()
    {
        for (var i = 0; i < 3; i++)
        {
            await UsersApi.RegisterAsync(_anonymous, UsersApi.NewEmail());
        }

        var admin = await AdminAsync();
        var page1 = await admin.GetFromJsonAsync<JsonElement>("/api/users?page=1&pageSize=2");
        var total = page1.GetProperty("total").GetInt64();
        var all = await admin.GetFromJsonAsync<JsonElement>($"/api/users?page=1&pageSize=100");
        var page2 = await admin.GetFromJsonAsync<JsonElement>("/api/users?page=2&pageSize=2");

        Assert.True(total >= 4);
        Assert.Equal(2, page1.GetProperty("items").GetArrayLength());
        Assert.Equal(2, page1.GetProperty("pageSize").GetInt32());
        var ids = all.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        var page2Ids = page2.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Skip(2).Take(2), page2Ids);
        Assert.DoesNotContain("hash", all.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task List_OutOfBoundsPaging_Returns400(string query, string field)
    {
        var response = await (await AdminAsync()).GetAsync("/api/users?" + query);

        Assert.Equal([field], await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task Get_ById_ReturnsUserAndUnknownIdReturns404()
    {
        var user = await UsersApi.RegisterAsync(_anonymous, UsersApi.NewEmail());
        var admin = await AdminAsync();

        Assert.Equal(user.Email, (await admin.GetFromJsonAsync<UserView>($"/api/users/{user.Id}"))!.Email);
        await UsersApi.ProblemAsync(await admin.GetAsync("/api/users/no-such-user"), HttpStatusCode.NotFound);
        await UsersApi.ProblemAsync(await admin.PostAsync("/api/users/no-such-user/disable", null), HttpStatusCode.NotFound);
        await UsersApi.ProblemAsync(await admin.PutAsJsonAsync("/api/users/no-such-user/roles", new { roles = new[] { Roles.Learner } }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Learner_CallingAdminEndpoints_Gets403()
    {
        var (user, tokens) = await UsersApi.NewLearnerAsync(_anonymous);
        var other = await UsersApi.RegisterAsync(_anonymous, UsersApi.NewEmail());
        var learner = fixture.Client(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync($"/api/users/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PutAsJsonAsync($"/api/users/{user.Id}/roles", new { roles = new[] { Roles.Admin } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PostAsync($"/api/users/{other.Id}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PostAsync($"/api/users/{other.Id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task SetRoles_ChangesRolesAndOldTokenStopsWorking()
    {
        var email = UsersApi.NewEmail();
        var user = await UsersApi.RegisterAsync(_anonymous, email);
        var old = await UsersApi.LoginOkAsync(_anonymous, email);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(old.AccessToken).GetAsync("/api/users/me")).StatusCode);

        var response = await (await AdminAsync()).PutAsJsonAsync($"/api/users/{user.Id}/roles", new { roles = new[] { Roles.Learner, Roles.Instructor } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(old.AccessToken).GetAsync("/api/users/me")).StatusCode);
        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_anonymous, old.RefreshToken), HttpStatusCode.Unauthorized);
        // a fresh login, even within the same second, carries the new roles and works
        var fresh = await UsersApi.LoginOkAsync(_anonymous, email);
        Assert.Equal([Roles.Instructor, Roles.Learner], new JsonWebToken(fresh.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(fresh.AccessToken).GetAsync("/api/users/me")).StatusCode);
    }

    [Theory]
    [InlineData("{\"roles\": [\"superuser\"]}")]
    [InlineData("{\"roles\": []}")]
    [InlineData("{}")]
    public async Task SetRoles_UnknownOrNoRoles_Returns400(string json)
    {
        var user = await UsersApi.RegisterAsync(_anonymous, UsersApi.NewEmail());

        var response = await (await AdminAsync()).PutAsync($"/api/users/{user.Id}/roles", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(["roles"], await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task Disable_TokensStopWorkingAndLoginAndRefreshAreRefused_EnableRestoresLogin()
    {
        var email = UsersApi.NewEmail();
        var user = await UsersApi.RegisterAsync(_anonymous, email);
        var tokens = await UsersApi.LoginOkAsync(_anonymous, email);
        var learner = fixture.Client(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await learner.GetAsync("/api/users/me")).StatusCode);
        var admin = await AdminAsync();

        var disabled = await admin.PostAsync($"/api/users/{user.Id}/disable", null);

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.Content.ReadFromJsonAsync<UserView>())!.Disabled);
        Assert.Equal(HttpStatusCode.Unauthorized, (await learner.GetAsync("/api/users/me")).StatusCode);
        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_anonymous, tokens.RefreshToken), HttpStatusCode.Unauthorized);
        await UsersApi.ProblemAsync(await UsersApi.LoginAsync(_anonymous, email), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{user.Id}/enable", null)).StatusCode);
        var again = await UsersApi.LoginOkAsync(_anonymous, email);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(again.AccessToken).GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task Disable_HoldsWhenRedisIsEmptied_RequestsAre503UntilReloadedThen401NeverOk()
    {
        var email = UsersApi.NewEmail();
        var user = await UsersApi.RegisterAsync(_anonymous, email);
        var learner = fixture.Client((await UsersApi.LoginOkAsync(_anonymous, email)).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await (await AdminAsync()).PostAsync($"/api/users/{user.Id}/disable", null)).StatusCode);

        // Redis loses the token generations (as when it is emptied: a new instance, data gone).
        var redis = fixture.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        var server = redis.GetServers()[0];
        // (only its auth keys here: the rest of this shared test host keeps running on the same Redis)
        var keys = server.Keys(pattern: fixture.RedisPrefix + "auth:*").ToArray();
        await redis.GetDatabase().KeyDeleteAsync(keys);

        // Never 200: 503 with Retry-After while the generations are reloaded from the users' store, then 401.
        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            using var response = await learner.GetAsync("/api/users/me");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        while (statuses[^1] != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);

        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[^1]);
    }

    [Fact]
    public async Task Admin_CannotDisableOrDemoteThemselves()
    {
        var tokens = await UsersApi.AdminLoginAsync(_anonymous);
        var adminId = new JsonWebToken(tokens.AccessToken).Subject;
        var admin = fixture.Client(tokens.AccessToken);

        await UsersApi.ProblemAsync(await admin.PostAsync($"/api/users/{adminId}/disable", null), HttpStatusCode.Conflict);
        await UsersApi.ProblemAsync(await admin.PutAsJsonAsync($"/api/users/{adminId}/roles", new { roles = new[] { Roles.Learner } }), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task SeededAdmin_StartingTheSeederAgain_AddsNoSecondAdmin()
    {
        var admin = await AdminAsync();
        var before = await CountAdminsAsync(admin);

        // What a restart or a second replica does: the seeder finds the admin and changes nothing.
        var seeder = fixture.Services.GetServices<IHostedService>().OfType<AdminSeeder>().Single();
        await seeder.StartAsync(CancellationToken.None);

        Assert.True(before >= 1);
        Assert.Equal(before, await CountAdminsAsync(admin));
    }

    private static async Task<int> CountAdminsAsync(HttpClient admin)
    {
        var admins = 0;
        for (var page = 1; ; page++)
        {
            var items = (await admin.GetFromJsonAsync<JsonElement>($"/api/users?page={page}&pageSize=100")).GetProperty("items");
            admins += items.EnumerateArray().Count(u => u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == Roles.Admin));
            if (items.GetArrayLength() < 100)
            {
                return admins;
            }
        }
    }
}
