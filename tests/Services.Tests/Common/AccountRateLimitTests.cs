using System.Net;
using System.Net.Http.Json;
using LearningPlatform.Services.Tests.Features.Users;

namespace LearningPlatform.Services.Tests.Common;

/// <summary>Runs are limited per account, whichever channel starts them (REST here; the hub posts the same request).</summary>
public sealed class AccountRateLimitTests
{
    [Fact]
    public async Task Runs_beyond_an_accounts_burst_are_refused_with_429_and_other_accounts_are_not()
    {
        using var services = ServicesFixture.With(new Dictionary<string, string>
        {
            ["RateLimits:RunBurst"] = "3",
            ["RateLimits:RunsPerMinute"] = "1",
        });
        var busy = services.Client((await UsersApi.NewLearnerAsync(services.Client())).Tokens.AccessToken);
        var other = services.Client((await UsersApi.NewLearnerAsync(services.Client())).Tokens.AccessToken);
        var run = new { exerciseId = "python-greet", mode = "run" };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await busy.PostAsJsonAsync("/api/runs", run);
            statuses.Add(response.StatusCode);
        }

        using var refused = await busy.PostAsJsonAsync("/api/runs", run);
        using var others = await other.PostAsJsonAsync("/api/runs", run);

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        var problem = await UsersApi.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("too many", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, others.StatusCode);
    }
}
