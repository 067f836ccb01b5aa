extern alias runner;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// The whole platform: Hub and Services on Kestrel, and a real RunnerHost taking runs from the same Redis and running
/// them in Docker sandboxes (images from sandbox-images/build.sh, which ./test.sh runs first).
/// </summary>
public sealed class EndToEndFixture : IDisposable
{
    public EndToEndFixture()
    {
        // With a runner here, saving an exercise runs its reference and starter, as in production.
        Platform = PlatformFixture.WithServices(new() { ["Exercises:ValidateWithRunner"] = "true" });
        Runner = new RunnerFactory(new Dictionary<string, string>
        {
            ["Redis:Configuration"] = Platform.HubSettings["Redis:Configuration"],
            ["Redis:KeyPrefix"] = Platform.HubSettings["Redis:KeyPrefix"],
            ["Jwt:SigningKey"] = Platform.HubSettings["Jwt:SigningKey"],
            [TestLogging.Key] = Platform.HubSettings[TestLogging.Key],
            ["Runner:Pools:Size"] = "1",
        }.Concat(LearningPlatform.Tests.Shared.SandboxImages.Pinned.Select(kv => KeyValuePair.Create(kv.Key, kv.Value ?? ""))).ToDictionary());
        _ = Runner.Services; // start it: its queue consumer is a hosted service
    }

    public PlatformFixture Platform { get; }


    public RunnerFactory Runner { get; }

    public void Dispose()
    {
        Runner.Dispose();
        Platform.Dispose();
    }

    public sealed class RunnerFactory(Dictionary<string, string> settings) : WebApplicationFactory<runner::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "Whole platform with a real runner";
}
