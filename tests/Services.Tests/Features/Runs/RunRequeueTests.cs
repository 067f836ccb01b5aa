using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Runs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Runs;

/// <summary>
/// Accepted runs survive a queue that loses them: stored with their request before they are queued, and queued
/// again when Redis no longer has them. The requeuer is asked directly, as of a minute from now, so the test does
/// not wait for <c>Runs:RequeueAfter</c>.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class RunRequeueTests(ServicesFixture services)
{
    private IDatabase Db => services.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private RedisKey Requests => services.RedisPrefix + RunStreams.Requests;

    private Task<int> RequeueAsync() =>
        services.Services.GetRequiredService<RunRequeuer>().RequeueLostAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

    private async Task<string> SubmitAsync()
    {
        var learner = services.Client(TestTokens.Learner());
        using var response = await learner.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "submit" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    private async Task<List<RunRequest>> QueuedAsync() =>
        [.. (await Db.StreamRangeAsync(Requests)).Select(e => JsonSerializer.Deserialize<RunRequest>((string)e[RunStreams.RequestField]!, RunJson.Options)!)];

    [Fact]
    public async Task A_run_the_queue_lost_is_queued_again_whole_and_one_still_queued_or_started_is_not()
    {
        var lost = await SubmitAsync();
        var original = Assert.Single(await QueuedAsync(), r => r.RunId == lost);
        // Redis loses the queue (emptied, a new instance)...
        await Db.KeyDeleteAsync(Requests);
        // ...then two more runs arrive: one waits in the new queue, a runner has taken the other.
        var waiting = await SubmitAsync();
        var started = await SubmitAsync();
        await Db.StreamAddAsync(services.RedisPrefix + RunStreams.EventsKey(started), RunStreams.EventTypeField, "accepted");

        await RequeueAsync();
        await RequeueAsync(); // a second look changes nothing

        var queued = await QueuedAsync();
        var requeued = Assert.Single(queued, r => r.RunId == lost);
        Assert.Equal(original.Files.Select(f => (f.Name, f.Content)), requeued.Files.Select(f => (f.Name, f.Content)));
        Assert.Equal(original.Checks!.Count, requeued.Checks!.Count);
        Assert.Single(queued, r => r.RunId == waiting);
        Assert.Single(queued, r => r.RunId == started);
    }
}
