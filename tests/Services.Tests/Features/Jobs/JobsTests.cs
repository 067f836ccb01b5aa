using System.Net;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Recommendations;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Services.Tests.Features.Jobs;

[Collection(LearningCollection.Name)]
public sealed class JobsTests(LearningFixture host)
{
    [Fact]
    public async Task Dashboard_is_for_admins_only()
    {
        using var anonymous = await host.Client().GetAsync("/jobs");
        using var learner = await host.Client(TestTokens.Learner()).GetAsync("/jobs");
        using var admin = await host.Client(TestTokens.Admin()).GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, learner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("Learning Platform jobs", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refresh_job_is_safe_to_run_twice()
    {
        var userId = TestTokens.NewUserId();
        using var scope = host.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetRequiredService<RecommendationJobs>();

        await jobs.RefreshLearnerAsync(userId, CancellationToken.None);
        await jobs.RefreshLearnerAsync(userId, CancellationToken.None);

        var entries = await host.Redis().StreamRangeAsync(host.RedisPrefix + "events:recommendations-updated");
        Assert.Single(entries, e => ((string?)e["payload"])!.Contains(userId));
    }

    [Fact]
    public async Task Learning_records_reach_the_lrs_as_xapi_statements_after_a_retry()
    {
        var userId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(userId));
        var run = await host.SubmitAsync(learner, "csharp-fizzbuzz");
        await host.FinishAsync(run, RunVerdict.Passed);

        var (authorization, statements) = await LearningFixture.WaitForAsync(() =>
        {
            var batch = host.Statements.FirstOrDefault(s => s.Statements[0].GetProperty("actor").GetProperty("account").GetProperty("name").GetString() == userId);
            return Task.FromResult((batch.Authorization is not null, batch));
        }, seconds: 30, what: "statements at the LRS");

        Assert.Equal("Basic " + Convert.ToBase64String("lrs-key:lrs-secret"u8.ToArray()), authorization);
        var verbs = statements.EnumerateArray().Select(s => s.GetProperty("verb").GetProperty("id").GetString()).ToList();
        Assert.Contains("http://adlnet.gov/expapi/verbs/attempted", verbs);
        Assert.Contains("http://adlnet.gov/expapi/verbs/passed", verbs);
        Assert.Contains("http://adlnet.gov/expapi/verbs/completed", verbs);
        var passed = statements.EnumerateArray().Single(s => s.GetProperty("verb").GetProperty("display").GetProperty("en-US").GetString() == "passed");
        Assert.EndsWith("/exercises/csharp-fizzbuzz", passed.GetProperty("object").GetProperty("id").GetString());
        Assert.True(passed.GetProperty("result").GetProperty("success").GetBoolean());
        Assert.Equal(1.0, passed.GetProperty("result").GetProperty("score").GetProperty("scaled").GetDouble());
        Assert.True(Guid.TryParse(passed.GetProperty("id").GetString(), out _));
    }
}
