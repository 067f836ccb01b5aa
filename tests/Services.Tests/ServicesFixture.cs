using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearningPlatform.Services.Tests;

/// <summary>
/// The real Services host on Kestrel, with LiteDB files in a temp folder and real Redis (keys under a prefix of
/// this fixture's own, so runs never see each other's data).
/// </summary>
public sealed class ServicesFixture : WebApplicationFactory<ServicesEntryPoint>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Passw0rd!-for-tests";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "lp-services-tests-" + Guid.NewGuid().ToString("N"));

    public string RedisPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    private readonly IReadOnlyDictionary<string, string> _overrides;

    public ServicesFixture()
        : this(new Dictionary<string, string>())
    {
    }

    private ServicesFixture(IReadOnlyDictionary<string, string> overrides)
    {
        _overrides = overrides;
        UseKestrel(0);
        StartServer();
    }

    /// <summary>A Services host with <paramref name="overrides"/> on top of <see cref="Settings"/>.</summary>
    public static ServicesFixture With(IReadOnlyDictionary<string, string> overrides) => new(overrides);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings(DataDirectory, RedisPrefix).Concat(_overrides))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The configuration a test host of Services gets; the Hub's tests reuse it.</summary>
    public static Dictionary<string, string> Settings(string dataDirectory, string redisPrefix) => new()
    {
        // Warning unless LP_TEST_LOG_LEVEL or the test's own settings say otherwise (TestLogging).
        [TestLogging.Key] = TestLogging.Level,
        ["Storage:DataDirectory"] = dataDirectory,
        ["Redis:Configuration"] = Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379",
        ["Redis:KeyPrefix"] = redisPrefix,
        ["Jwt:SigningKey"] = "test-signing-key-0123456789abcdef0123456789",
        ["LP_ADMIN_EMAIL"] = AdminEmail,
        ["LP_ADMIN_PASSWORD"] = AdminPassword,
        // No runner here: saving an exercise does not wait for its trial runs (the whole-platform tests check those).
        ["Exercises:ValidateWithRunner"] = "false",
        // Tests run many runs and saves as one account; the rate-limit tests put real limits back.
        ["RateLimits:RunsPerMinute"] = "100000",
        ["RateLimits:RunBurst"] = "100000",
        ["RateLimits:AuthoringPerMinute"] = "100000",
        ["RateLimits:AuthoringBurst"] = "100000",
    };

    /// <summary>A client of the real server, with the bearer token when given.</summary>
    public HttpClient Client(string? accessToken = null)
    {
        var client = CreateClient();
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still closing: the temp folder is cleaned by the OS
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServicesCollection : ICollectionFixture<ServicesFixture>
{
    public const string Name = "Services host";
}
