using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Jobs;

/// <summary>
/// The real Services host for the learning loop: real Redis, a real Hangfire server (two workers, fast schedule
/// polling), a short debounce, hints after two failures, and xAPI statements going to a tiny LRS on loopback that
/// this fixture runs and that refuses its first request (so retries are exercised).
/// </summary>
public sealed class LearningFixture : WebApplicationFactory<ServicesEntryPoint>
{
    public const string LrsUser = "lrs-key";
    public const string LrsPassword = "lrs-secret";

    private readonly WebApplication _lrs;
    private int _lrsRequests;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "lp-learning-tests-" + Guid.NewGuid().ToString("N"));

    public string RedisPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>Statement batches the LRS accepted, with the Authorization header they came with.</summary>
    public ConcurrentQueue<(string? Authorization, JsonElement Statements)> Statements { get; } = new();

    public LearningFixture()
    {
        var lrs = WebApplication.CreateSlimBuilder();
        lrs.WebHost.UseUrls("http://127.0.0.1:0");
        lrs.Configuration[TestLogging.Key] = TestLogging.Level;
        _lrs = lrs.Build();
        _lrs.MapPost("/xapi/statements", async (HttpRequest request) =>
        {
            if (Interlocked.Increment(ref _lrsRequests) == 1)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable); // the LRS is down at first
            }

            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            Statements.Enqueue((request.Headers.Authorization.ToString(), body));
            return Results.Ok(body.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToArray());
        });
        _lrs.StartAsync().GetAwaiter().GetResult();
        LrsAddress = _lrs.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        UseKestrel(0);
        StartServer();
    }

    public string LrsAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = ServicesFixture.Settings(DataDirectory, RedisPrefix);
        settings["Jobs:WorkerCount"] = "2";
        settings["Jobs:SchedulePollingInterval"] = "00:00:00.500";
        settings["Recommendations:DebounceWindow"] = "00:00:01";
        settings["Feedback:HintsAfterFailedAttempts"] = "2";
        settings["Progress:StuckFailedAttempts"] = "3";
        settings["Xapi:Enabled"] = "true";
        settings["Xapi:Endpoint"] = LrsAddress + "/xapi";
        settings["Xapi:Username"] = LrsUser;
        settings["Xapi:Password"] = LrsPassword;
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient Client(string? accessToken = null)
    {
        var client = CreateClient();
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    public IDatabase Redis() => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    public IEventPublisher Events => Services.GetRequiredService<IEventPublisher>();

    /// <summary>Submits (or runs) the exercise's starter files as the learner; returns the run id.</summary>
    public async Task<string> SubmitAsync(HttpClient learner, string exerciseId, string mode = "submit")
    {
        using var response = await learner.PostAsJsonAsync("/api/runs", new { exerciseId, mode });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    /// <summary>Plays the runner: publishes its result for the run, as RunnerHost does (event id = run id). Graded
    /// unless said otherwise: the runner judged hidden checks, as it does for the seeded exercises' submits.</summary>
    public Task FinishAsync(string runId, RunVerdict verdict, IReadOnlyList<TestResult>? tests = null, IReadOnlyList<CompileDiagnostic>? diagnostics = null, string? message = null,
        bool graded = true)
    {
        tests ??= verdict == RunVerdict.Passed
            ? [new TestResult("test_one", TestStatus.Pass), new TestResult("test_two", TestStatus.Pass)]
            : [new TestResult("test_one", TestStatus.Pass), new TestResult("test_two", TestStatus.Fail, "assert 'a' == 'b'")];
        var status = verdict == RunVerdict.Passed ? TestStatus.Pass : verdict == RunVerdict.Failed ? TestStatus.Fail : TestStatus.Error;
        var result = new RunResult(runId, 3, status, message, tests, verdict, diagnostics ?? [], new RunTimings(1, 0, 2, 3), new ResourceUsage(null, null, null),
            Checks: graded ? [new CheckOutcome(1, verdict == RunVerdict.Passed ? TestStatus.Pass : TestStatus.Fail, "a hidden case")] : [], Graded: graded);
        return Events.PublishAsync(new RunCompleted(result), eventId: runId);
    }

    /// <summary>Polls <paramref name="probe"/> until it says done; fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<(bool Done, T Value)>> probe, int seconds = 20, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var (done, value) = await probe();
            if (done)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what ?? "condition"} not reached in {seconds} s; last value: {Describe(value)}");
            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value);
        }
        catch (InvalidOperationException)
        {
            return "(none)";
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _lrs.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_lrs).Dispose();
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
public sealed class LearningCollection : ICollectionFixture<LearningFixture>
{
    public const string Name = "Learning loop host";
}
