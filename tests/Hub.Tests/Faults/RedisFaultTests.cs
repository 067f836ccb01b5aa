using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Workbench;
using LearningPlatform.Hub.Tests.Features.Workbench;
using LearningPlatform.Services.Tests;
using LearningPlatform.Services.Tests.Features.Users;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace LearningPlatform.Hub.Tests.Faults;

/// <summary>
/// Redis crashes and comes back (with its append-only file), or comes back empty, under a platform of the test's own:
/// while it is down REST answers 503 with Retry-After, never 500, and the hub refuses edits saying why; afterwards
/// everything recovers by itself within seconds, and nothing accepted is lost — edits, revocations, queued runs.
/// </summary>
public sealed class RedisFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly PrivateRedis _redis = new();
    private PlatformFixture? _platform;

    private PlatformFixture Platform => _platform ??= PlatformFixture.OnRedis(_redis.Configuration);

    public void Dispose()
    {
        _platform?.Dispose();
        _redis.Dispose();
    }

    private async Task<(HttpClient Client, string Token, string UserId)> UserAsync()
    {
        var anonymous = Platform.Client();
        var email = UsersApi.NewEmail();
        var user = await UsersApi.RegisterAsync(anonymous, email);
        var tokens = await UsersApi.LoginOkAsync(anonymous, email);
        return (Platform.Client(tokens.AccessToken), tokens.AccessToken, user.Id);
    }

    private async Task<HubConnection> ConnectAsync(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(PlatformFixture.Address(Platform.Hub.Services) + WorkbenchFeature.Path, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private static Task<EditResult> TypeAsync(HubConnection hub, SessionSnapshot session, long version, string text) =>
        hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, session.Files[0].Name, version, new[] { new ContentChange(0, 0, text) });

    /// Polls until <paramref name="ok"/> answers 200; returns how long that took.
    private static async Task<TimeSpan> UntilOkAsync(HttpClient client, string path, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return clock.Elapsed;
            }

            Assert.True(clock.Elapsed < limit, $"{path} still answers {(int)response.StatusCode} after {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Redis_crashes_REST_says_503_the_hub_refuses_edits_then_all_recovers_with_nothing_lost()
    {
        var (learner, learnerToken, _) = await UserAsync();
        var (revoked, _, revokedId) = await UserAsync();
        using var admin = Platform.Client((await UsersApi.AdminLoginAsync(Platform.Client())).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{revokedId}/disable", null)).StatusCode);
        await using var hub = await ConnectAsync(learnerToken);
        var session = await hub.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
        for (var v = 0L; v < 3; v++)
        {
            Assert.True((await TypeAsync(hub, session, v, $"# {v}\n")).Accepted);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the append-only file is fsynced every second
        _redis.Kill();

        // Down: every answer a 503 with Retry-After, never a 500; the hub refuses the edit and says why.
        foreach (var (client, path) in new[] { (learner, "/api/users/me"), (learner, "/api/progress/me"), (admin, "/api/users"), (Platform.Client(), "/health/ready") })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            if (path.StartsWith("/api", StringComparison.Ordinal))
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        using (var login = await Platform.Client().PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.test", password = "x" }))
        {
            Assert.NotEqual(HttpStatusCode.InternalServerError, login.StatusCode);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => TypeAsync(hub, session, 3, "# 3\n"));
        Assert.Contains("not answering", refused.Message, StringComparison.Ordinal);

        // A registration needs no Redis: accepted, and its UserRegistered event waits in Services' outbox.
        var joinedDuringOutage = await UsersApi.RegisterAsync(Platform.Client(), UsersApi.NewEmail());

        // Back, with its append-only file: ready again by itself.
        _redis.Start();
        var recovered = await UntilOkAsync(learner, "/api/users/me", TimeSpan.FromSeconds(10));
        output.WriteLine($"[bench] REST ready again {recovered.TotalMilliseconds:F0} ms after Redis came back");
        var again = await TypeAsync(hub, session, 3, "# 3\n");
        Assert.True(again.Accepted, again.Error);
        Assert.Equal(4, again.Version);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/users/me")).StatusCode);
        await using var other = await ConnectAsync(learnerToken);
        var reopened = await other.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
        Assert.StartsWith("# 3\n# 2\n# 1\n# 0\n", reopened.Files[0].Content, StringComparison.Ordinal);

        // The event of the registration accepted during the outage reached its stream once Redis was back.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var stream = Platform.HubSettings["Redis:KeyPrefix"] + "events:" + LearningPlatform.Contracts.Events.UserRegistered.EventType;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await redis.GetDatabase().StreamRangeAsync(stream)).Any(e => ((string)e["payload"]!).Contains(joinedDuringOutage.Id, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the event of a registration accepted during the outage never reached Redis");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Redis_comes_back_empty_and_edits_revocations_and_queued_runs_come_back_from_the_store()
    {
        var (learner, learnerToken, _) = await UserAsync();
        var (revoked, _, revokedId) = await UserAsync();
        using var admin = Platform.Client((await UsersApi.AdminLoginAsync(Platform.Client())).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{revokedId}/disable", null)).StatusCode);
        await using (var hub = await ConnectAsync(learnerToken))
        {
            var session = await hub.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
            Assert.True((await TypeAsync(hub, session, 0, "# typed before the loss\n")).Accepted);
            await Platform.Hub.UntilSavedAsync(session.SessionId, 1);
        }

        using var submitted = await learner.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "submit" });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var runId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

        _redis.Empty(); // a new instance: everything Redis held is gone

        // Never 200 for the disabled user, whatever the timing; the others work again by themselves.
        var recovered = await UntilOkAsync(learner, "/api/users/me", TimeSpan.FromSeconds(10));
        output.WriteLine($"[bench] REST ready again {recovered.TotalMilliseconds:F0} ms after Redis came back empty");
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/users/me")).StatusCode);

        await using var again = await ConnectAsync(learnerToken);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
        Assert.StartsWith("# typed before the loss\n", reopened.Files[0].Content, StringComparison.Ordinal);

        // The accepted run is queued again for the runners (Runs:RequeueAfter 10 s, checked every 5 s).
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var prefix = Platform.HubSettings["Redis:KeyPrefix"];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await redis.GetDatabase().StreamRangeAsync(prefix + RunStreams.Requests)).Any(e => ((string)e[RunStreams.RequestField]!).Contains(runId, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the accepted run was not queued again");
            await Task.Delay(250);
        }

        await redis.DisposeAsync();
    }
}
