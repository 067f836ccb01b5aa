using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using LearningPlatform.Contracts;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Redis;
using StackExchange.Redis;
using LearningPlatform.Hub.Features.Workbench;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// The real Hub and Services on Kestrel with real Redis, a course taught by <see cref="InstructorId"/> with one
/// Python exercise, and (when a test asks) a second Hub host on the same Services and Redis.
/// </summary>
public sealed class WorkbenchFixture : IAsyncLifetime
{
    public const string StarterFile = "solution.py";
    public const string StarterText = "def add(a, b):\n    return 0"; // Services keeps files without trailing blank lines
    public const string TestFile = "test_solution.py";

    private readonly Lazy<PlatformFixture.HubFactory> _second;

    public WorkbenchFixture()
    {
        // Roslyn's warm-up would compete with the tests for the machine's two cores; the pipeline works cold.
        Platform = PlatformFixture.With(new() { ["Diagnostics:WarmUpOnStart"] = "false" });
        _second = new(() => Platform.NewHub());
    }

    public PlatformFixture Platform { get; }

    public PlatformFixture.HubFactory Hub => Platform.Hub;

    /// <summary>A second Hub process on the same Services and Redis.</summary>
    public PlatformFixture.HubFactory SecondHub => _second.Value;

    public string InstructorId { get; } = "inst-" + Guid.NewGuid().ToString("N");

    public string InstructorToken => TestJwt.Create(InstructorId, [Roles.Instructor], lifetime: TimeSpan.FromHours(1));

    public string CourseId { get; private set; } = "";

    public string ExerciseId { get; private set; } = "";

    public static string NewLearnerToken(out string userId, string? name = null)
    {
        userId = "learner-" + Guid.NewGuid().ToString("N");
        return TestJwt.Create(userId, [Roles.Learner], lifetime: TimeSpan.FromHours(1), name: name);
    }

    public static string OtherInstructorToken() => TestJwt.Create("inst-" + Guid.NewGuid().ToString("N"), [Roles.Instructor], lifetime: TimeSpan.FromHours(1));

    public static string AdminToken() => TestJwt.Create("admin-" + Guid.NewGuid().ToString("N"), [Roles.Admin], lifetime: TimeSpan.FromHours(1));

    public async Task InitializeAsync()
    {
        using var client = Platform.Client(InstructorToken);
        using var course = await client.PostAsJsonAsync("/api/courses", new
        {
            title = "Workbench course",
            summary = "For the hub's tests.",
            difficulty = "beginner",
            languages = new[] { "python" },
            modules = new[] { new { id = "m1", title = "Module one" } },
        });
        Assert.True(course.IsSuccessStatusCode, await course.Content.ReadAsStringAsync());
        CourseId = (await course.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var exercise = await client.PostAsJsonAsync("/api/exercises", new
        {
            courseId = CourseId,
            moduleId = "m1",
            title = "Add",
            instructions = "Add two numbers.",
            language = "python",
            starterFiles = new[] { new { name = StarterFile, content = StarterText } },
            visibleTests = new[] { new { name = TestFile, content = "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n" } },
            solution = new[] { new { name = StarterFile, content = "def add(a, b):\n    return a + b\n" } },
        });
        Assert.True(exercise.IsSuccessStatusCode, await exercise.Content.ReadAsStringAsync());
        ExerciseId = (await exercise.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Writes a run's events to its Redis stream the way RunnerHost does (the hub relays them from there).</summary>
    public async Task WriteRunEventsAsync(string runId, params RunEvent[] events)
    {
        var redis = Hub.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = Hub.Services.GetRequiredService<RedisKeys>().Key(RunStreams.EventsKey(runId));
        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize(e, RunJson.Options);
            var type = JsonDocument.Parse(json).RootElement.GetProperty("type").GetString()!;
            await redis.StreamAddAsync(key, [new(RunStreams.EventTypeField, type), new(RunStreams.EventField, json)]);
        }
    }

    /// <summary>A started connection of the real .NET SignalR client to <paramref name="hub"/> (default: the first Hub).</summary>
    public async Task<HubConnection> ConnectAsync(string? token, PlatformFixture.HubFactory? hub = null, bool messagePack = false)
    {
        var connection = Build(token, hub, messagePack);
        await connection.StartAsync();
        return connection;
    }

    public HubConnection Build(string? token, PlatformFixture.HubFactory? hub = null, bool messagePack = false)
    {
        var url = PlatformFixture.Address((hub ?? Hub).Services) + WorkbenchFeature.Path;
        var builder = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .WithStatefulReconnect();
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }

    public Task DisposeAsync()
    {
        if (_second.IsValueCreated)
        {
            _second.Value.Dispose();
        }

        Platform.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class WorkbenchCollection : ICollectionFixture<WorkbenchFixture>
{
    public const string Name = "Workbench hub";
}

/// <summary>Collects what the server pushes to one callback, for awaiting with a timeout (never a fixed sleep).</summary>
public sealed class Inbox<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();

    public Inbox(HubConnection connection, string method) => connection.On<T>(method, m => _channel.Writer.TryWrite(m));

    public static TimeSpan Timeout => TimeSpan.FromSeconds(20);

    /// <summary>The next message that matches, skipping the others.</summary>
    public async Task<T> NextAsync(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var message = await _channel.Reader.ReadAsync(cts.Token);
            if (match is null || match(message))
            {
                return message;
            }
        }
    }
}
