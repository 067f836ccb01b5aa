using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Runs;

/// <summary>
/// Accepted runs survive a queue that loses them: stored with their request before they are queued, and queued
/// again when Redis no longer has them. A Services host of its own, with a short requeue delay.
/// </summary>
public sealed class RunRequeueTests : IDisposable
{
    private readonly ServicesFixture _services = ServicesFixture.With(new Dictionary<string, string>
    {
        ["Runs:RequeueAfter"] = "00:00:00.300",
        ["Runs:RequeueCheckInterval"] = "00:00:00.200",
    });

    public void Dispose() => _services.Dispose();

    private IDatabase Db => _services.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private RedisKey Requests => _services.RedisPrefix + RunStreams.Requests;

    private async Task<string> SubmitAsync()
    {
        var learner = _services.Client(TestTokens.Learner());
        using var response = await learner.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "submit" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    private async Task<List<RunRequest>> QueuedAsync() =>
        [.. (await Db.StreamRangeAsync(Requests)).Select(e => JsonSerializer.Deserialize<RunRequest>((string)e[RunStreams.RequestField]!, RunJson.Options)!)];

    [Fact]
    public async Task A_run_the_queue_lost_is_queued_again_whole()
    {
        var runId = await SubmitAsync();
        var original = Assert.Single(await QueuedAsync(), r => r.RunId == runId);

        await Db.KeyDeleteAsync(Requests); // Redis loses the queue (emptied, a new instance)

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<RunRequest> again;
        while ((again = await QueuedAsync()).All(r => r.RunId != runId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var requeued = Assert.Single(again, r => r.RunId == runId);
        Assert.Equal(original.Files.Select(f => (f.Name, f.Content)), requeued.Files.Select(f => (f.Name, f.Content)));
        Assert.Equal(original.Checks!.Count, requeued.Checks!.Count);
    }

    [Fact]
    public async Task A_run_still_queued_or_started_is_not_queued_twice()
    {
        var waiting = await SubmitAsync();
        var started = await SubmitAsync();
        await Db.StreamAddAsync(_services.RedisPrefix + RunStreams.EventsKey(started), RunStreams.EventTypeField, "accepted"); // a runner took it

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // several checks after the requeue delay

        var queued = await QueuedAsync();
        Assert.Single(queued, r => r.RunId == waiting);
        Assert.Single(queued, r => r.RunId == started);
    }
}
