using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Tests.Execution;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace LearningPlatform.RunnerHost.Tests.Queue;

/// The run queue against the real Redis at localhost:6379 (REDIS_URL overrides) and real Docker.
[Collection(DockerCollection.Name)]
public sealed class RedisRunQueueTests : IAsyncLifetime
{
    private static readonly string RedisUrl = Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379";
    private ConnectionMultiplexer _redis = null!;
    private IDatabase Db => _redis.GetDatabase();

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(RedisUrl);

    public async Task DisposeAsync()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
        {
            await Db.KeyDeleteAsync(key);
        }
        await _redis.DisposeAsync();
    }

    // Each test class instance has its own key prefix: no other consumer or leftover entry is involved.
    private readonly string _prefix = "rt" + Guid.NewGuid().ToString("N")[..8] + ":";

    private RedisKey Key(string name) => _prefix + name;

    private IHost QueueHost() => RunnerFixture.BuildHost(new Dictionary<string, string?>
    {
        ["Runner:Queue:Enabled"] = "true",
        ["Redis:Configuration"] = RedisUrl,
        ["Redis:KeyPrefix"] = _prefix,
        ["Runner:Queue:ReclaimIdleMs"] = "1500",
        ["Runner:Queue:ReclaimIntervalMs"] = "200",
        ["Runner:Pools:Size"] = "0",
    });

    private static RunRequest Request(string user = "queue-user") => new(Guid.NewGuid().ToString("N"), user, RunLanguage.Python,
        [new RunFile("add.py", PythonRunTests.Solution), new RunFile("test_add.py", PythonRunTests.Tests, true)], DateTimeOffset.UtcNow, "ex-1", "corr-1");

    private async Task<RedisValue> EnqueueAsync(RunRequest request) =>
        await Db.StreamAddAsync(Key(RunStreams.Requests), RunStreams.RequestField, JsonSerializer.Serialize(request, RunJson.Options));

    private async Task<RunResult> WaitForResultAsync(string runId, TimeSpan timeout)
    {
        RunResult? found = null;
        await RunnerFixture.WaitUntilAsync(async () =>
        {
            // The RunCompleted integration event, as the bus writes it: event id = run id, the event as JSON payload.
            var entries = await Db.StreamRangeAsync(Key("events:" + RunCompleted.EventType), "-", "+", count: 200, messageOrder: Order.Descending);
            var json = entries.Where(e => e["id"] == runId).Select(e => (string?)e["payload"]).FirstOrDefault();
            if (json is null)
            {
                return false;
            }
            found = JsonSerializer.Deserialize<RunCompleted>(json, RunJson.Options)!.Result;
            return true;
        }, timeout, $"a result for run {runId}");
        return found!;
    }

    [Fact]
    public async Task A_queued_run_publishes_its_events_and_result_and_is_acknowledged()
    {
        using var host = QueueHost();
        await host.StartAsync();
        try
        {
            var request = Request();
            var entryId = await EnqueueAsync(request);

            var result = await WaitForResultAsync(request.RunId, TimeSpan.FromMinutes(1));

            Verdicts.Expect(RunVerdict.Passed, result);
            Assert.Equal("ex-1", result.ExerciseId);
            var events = await Db.StreamRangeAsync(Key(RunStreams.EventsKey(request.RunId)));
            var types = events.Select(e => (string)e[RunStreams.EventTypeField]!).ToList();
            Assert.Equal("accepted", types[0]);
            Assert.Equal("finished", types[^1]);
            Assert.Equal(6, types.Count(t => t == "test_finished"));
            var last = JsonSerializer.Deserialize<RunEvent>((string)events[^1][RunStreams.EventField]!, RunJson.Options);
            Assert.Equal(RunVerdict.Passed, Assert.IsType<RunFinished>(last).Result.Verdict);
            var completed = await Db.StreamRangeAsync(Key("events:run-completed"));
            Assert.Contains(completed, e => e["id"] == request.RunId && e["type"] == "run-completed");
            Assert.True(await Db.KeyTimeToLiveAsync(Key(RunStreams.EventsKey(request.RunId))) > TimeSpan.Zero);
            await RunnerFixture.WaitUntilAsync(async () =>
            {
                var pending = await Db.StreamPendingMessagesAsync(Key(RunStreams.Requests), RunStreams.ConsumerGroup, 10, RedisValue.Null, entryId, entryId);
                return pending.Length == 0;
            }, TimeSpan.FromSeconds(10), "the entry is acknowledged");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_run_left_pending_by_a_dead_runner_is_reclaimed_and_run()
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(Key(RunStreams.Requests), RunStreams.ConsumerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
        // A "runner" takes the entry and dies without acknowledging it.
        var request = Request("reclaim-user");
        var entryId = await EnqueueAsync(request);
        var dead = "dead-runner-" + Guid.NewGuid().ToString("N")[..8];
        RedisValue taken = RedisValue.Null;
        await RunnerFixture.WaitUntilAsync(async () =>
        {
            var read = await Db.StreamReadGroupAsync(Key(RunStreams.Requests), RunStreams.ConsumerGroup, dead, ">", 100);
            if (read.Any(e => e.Id == entryId))
            {
                taken = entryId;
            }
            return !taken.IsNull;
        }, TimeSpan.FromSeconds(10), "the dead runner took the entry");

        using var host = QueueHost();
        await host.StartAsync();
        try
        {
            var result = await WaitForResultAsync(request.RunId, TimeSpan.FromMinutes(1));
            Verdicts.Expect(RunVerdict.Passed, result);
        }
        finally
        {
            await host.StopAsync();
            await Db.ExecuteAsync("XGROUP", "DELCONSUMER", (string)Key(RunStreams.Requests)!, RunStreams.ConsumerGroup, dead);
        }
    }

    [Fact]
    public async Task A_malformed_request_is_dropped_and_the_queue_goes_on()
    {
        using var host = QueueHost();
        await host.StartAsync();
        try
        {
            await Db.StreamAddAsync(Key(RunStreams.Requests), RunStreams.RequestField, "{not json \xff");
            var request = Request();
            await EnqueueAsync(request);
            Verdicts.Expect(RunVerdict.Passed, await WaitForResultAsync(request.RunId, TimeSpan.FromMinutes(1)));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
