using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Services.Tests.Features.Users;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.Hub.Tests.Features.Gateway;

/// <summary>
/// Limits keyed on what they protect: failed sign-ins per address (and per account: the lockout), registrations per
/// address, API calls and hub connections per account. Every request here comes from one address, loopback, as a
/// classroom behind one school address would.
/// </summary>
public sealed class RateLimitTests
{
    private const string Password = UsersApi.Password;

    [Fact]
    public async Task A_class_of_60_signing_in_from_one_address_within_a_minute_all_succeed()
    {
        using var platform = PlatformFixture.With(PlatformFixture.ProductionLimits());
        // The accounts exist already (created on Services directly: registering is limited per address on its own).
        var emails = await AccountsAsync(platform, 60);
        using var client = platform.Client();
        var clock = Stopwatch.StartNew();

        // Everyone signs in at once; every fourth learner mistypes the password first, then gets it right, and
        // every learner's page refreshes its token twice.
        var outcomes = new ConcurrentBag<(bool Typo, HttpStatusCode Status)>();
        await Parallel.ForEachAsync(emails.Select((email, i) => (email, i)), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (learner, ct) =>
        {
            if (learner.i % 4 == 0)
            {
                using var typo = await client.PostAsJsonAsync("/api/auth/login", new { email = learner.email, password = Password + "x" }, ct);
                outcomes.Add((true, typo.StatusCode));
            }

            using var login = await client.PostAsJsonAsync("/api/auth/login", new { email = learner.email, password = Password }, ct);
            outcomes.Add((false, login.StatusCode));
            var refreshToken = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("refreshToken").GetString();
            for (var r = 0; r < 2; r++)
            {
                using var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken }, ct);
                outcomes.Add((false, refreshed.StatusCode));
                refreshToken = (await refreshed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("refreshToken").GetString();
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}: not within one window");
        Assert.Equal(60 * 3, outcomes.Count(o => !o.Typo && o.Status == HttpStatusCode.OK));
        Assert.Equal(15, outcomes.Count(o => o.Typo && o.Status == HttpStatusCode.Unauthorized));
        Assert.DoesNotContain(outcomes, o => o.Status == HttpStatusCode.TooManyRequests);
        Assert.DoesNotContain(platform.Hub.Logs.Records, r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Credential_stuffing_from_one_address_is_throttled_and_logged_but_not_as_an_error()
    {
        // 40 failures a minute instead of the default 300, so that 100 attempts show the ceiling quickly.
        var limits = PlatformFixture.ProductionLimits();
        limits["Gateway:FailedSignInLimit"] = "40";
        using var platform = PlatformFixture.With(limits);
        var known = await AccountsAsync(platform, 20);
        using var client = platform.Client();

        // 100 wrong passwords across accounts: the 20 known ones and 80 leaked addresses that have no account here.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 100; i++)
        {
            last?.Dispose();
            var email = i < known.Count ? known[i] : $"leaked-{i}@example.test";
            last = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Summer2024!" });
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses.Take(40), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(40), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        last.Dispose();

        // While the address is over its ceiling even a right password waits: the attempt is refused before it costs
        // a password hash, whoever makes it.
        using var right = await client.PostAsJsonAsync("/api/auth/login", new { email = known[0], password = Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);

        var logs = platform.Hub.Logs.Records;
        Assert.Single(logs, r => r.EventId.Id == 8001 && r.Level == LogLevel.Warning && r.Message.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Registration_lets_a_class_join_together_and_stops_bulk_account_creation()
    {
        // The default windows thirty times shorter: 50 per 2 s instead of per minute, 200 per 2 min instead of per hour.
        var limits = PlatformFixture.ProductionLimits();
        limits["Gateway:RegistrationBurstWindow"] = "00:00:02";
        limits["Gateway:RegistrationWindow"] = "00:02:00";
        using var platform = PlatformFixture.With(limits);
        using var client = platform.Client();
        var created = 0;
        async Task<HttpStatusCode[]> RegisterAsync(int count)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                using var response = await client.PostAsJsonAsync("/api/auth/register", new { email = UsersApi.NewEmail(), password = Password, displayName = "Learner" });
                return response.StatusCode;
            }));
            created += statuses.Count(s => s == HttpStatusCode.Created);
            return statuses;
        }

        // A class of 40 joins in one (scaled) minute.
        Assert.All(await RegisterAsync(40), s => Assert.Equal(HttpStatusCode.Created, s));

        // A hundred more over ten (scaled) minutes: 10 every 2 s, 20 s.
        for (var i = 0; i < 10; i++)
        {
            var round = Stopwatch.StartNew();
            Assert.All(await RegisterAsync(10), s => Assert.Equal(HttpStatusCode.Created, s));
            await Task.Delay(TimeSpan.FromSeconds(2) - round.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        }

        // A script creating accounts in bulk, below the burst limit each time: stopped by the long window at 200.
        var bulk = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            var round = Stopwatch.StartNew();
            bulk.AddRange(await RegisterAsync(20));
            await Task.Delay(TimeSpan.FromSeconds(2) - round.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        }

        Assert.Equal(200, created);
        Assert.Equal(60, bulk.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(60, bulk.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Hub_connections_are_limited_per_account()
    {
        var limits = PlatformFixture.ProductionLimits();
        limits["Workbench:ConnectionBurstPerUser"] = "3";
        limits["Workbench:ConnectionsPerMinutePerUser"] = "1";
        using var platform = PlatformFixture.With(limits);
        var emails = await AccountsAsync(platform, 2);
        using var anonymous = platform.Client();
        async Task<HttpClient> SignedInAsync(string email)
        {
            using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
            return platform.Client((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        }

        using var busy = await SignedInAsync(emails[0]);
        using var other = await SignedInAsync(emails[1]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var negotiated = await busy.PostAsync("/hubs/workbench/negotiate?negotiateVersion=1", null);
            statuses.Add(negotiated.StatusCode);
        }

        using var others = await other.PostAsync("/hubs/workbench/negotiate?negotiateVersion=1", null);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);
    }

    [Fact]
    public async Task Cors_preflight_allows_configured_origins_only()
    {
        using var platform = PlatformFixture.With(new Dictionary<string, string>
        {
            ["Gateway:CorsOrigins:0"] = "http://ide.example",
        });
        using var client = platform.Client();

        using var allowed = await client.SendAsync(Preflight("http://ide.example"));
        using var denied = await client.SendAsync(Preflight("http://evil.example"));

        Assert.Equal("http://ide.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(denied.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>Learner accounts made on Services directly, not through the gateway's registration limit.</summary>
    internal static async Task<List<string>> AccountsAsync(PlatformFixture platform, int count)
    {
        var emails = Enumerable.Range(0, count).Select(_ => UsersApi.NewEmail()).ToList();
        using var services = platform.Services.Client();
        await Parallel.ForEachAsync(emails, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (email, _) => await UsersApi.RegisterAsync(services, email));
        return emails;
    }

    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/api/catalog/courses")
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", "GET" },
            { "Access-Control-Request-Headers", "authorization" },
        },
    };
}
