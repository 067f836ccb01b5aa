using System.Net;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearningPlatform.RunnerHost.Tests;

[Collection(DockerCollection.Name)]
public sealed class HealthTests
{
    private static WebApplicationFactory<Program> Factory(string redis) => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting(TestLogging.Key, TestLogging.Level)
        .UseSetting("Runner:Pools:Size", "0")
        .UseSetting("Runner:Queue:Enabled", "false")
        .UseSetting("Redis:Configuration", redis + ",connectTimeout=500,syncTimeout=500,asyncTimeout=500"));

    [Fact]
    public async Task Live_and_ready_when_docker_and_redis_answer()
    {
        await using var app = Factory(Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379");
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Not_ready_when_redis_does_not_answer()
    {
        await using var app = Factory("127.0.0.1:1");
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public void Invalid_limits_fail_at_start()
    {
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting(TestLogging.Key, TestLogging.Level)
            .UseSetting("Runner:Pools:Size", "0")
            .UseSetting("Runner:Queue:Enabled", "false")
            .UseSetting("Runner:Sandbox:PidsLimit", "0"));
        Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => app.CreateClient());
    }
}
