using System.Net.Http.Headers;
using LearningPlatform.Services.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.Hub.Tests;

/// <summary>
/// The public entry as a user meets it: the real Hub on Kestrel in front of the real Services on Kestrel, both on
/// loopback, with real Redis and LiteDB files in a temp folder.
/// </summary>
public sealed class PlatformFixture : IDisposable
{
    public PlatformFixture()
        : this(new Dictionary<string, string>(), new Dictionary<string, string>())
    {
    }

    private PlatformFixture(Dictionary<string, string> hubSettings, Dictionary<string, string> servicesSettings)
    {
        Services = ServicesFixture.With(servicesSettings);
        var settings = ServicesFixture.Settings(Services.DataDirectory, Services.RedisPrefix);
        settings["Gateway:ServicesUrl"] = Address(Services.Services);
        // Generous defaults for the suite (every test signs in from loopback); the rate-limit tests start a host of
        // their own with the real limits (ProductionLimits) or low ones.
        foreach (var (key, value) in GenerousLimits)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in hubSettings)
        {
            settings[key] = value;
        }

        HubSettings = settings;
        Hub = new HubFactory(settings);
    }

    /// <summary>The Hub's per address and per account limits raised far out of the way of ordinary tests.</summary>
    public static IReadOnlyDictionary<string, string> GenerousLimits { get; } = new Dictionary<string, string>
    {
        ["Gateway:AuthPermitLimit"] = "100000",
        ["Gateway:FailedSignInLimit"] = "100000",
        ["Gateway:RegistrationBurstLimit"] = "100000",
        ["Gateway:RegistrationLimit"] = "100000",
        ["Gateway:ApiRequestsPerSecond"] = "10000",
        ["Gateway:ApiBurst"] = "10000",
        ["Workbench:ConnectionsPerMinutePerUser"] = "100000",
        ["Workbench:ConnectionBurstPerUser"] = "100000",
    };

    /// <summary>The limits as a deployment gets them (the options' defaults), to put back over <see cref="GenerousLimits"/>.</summary>
    public static Dictionary<string, string> ProductionLimits()
    {
        var gateway = new LearningPlatform.Hub.Features.Gateway.GatewayOptions();
        var workbench = new LearningPlatform.Hub.Features.Workbench.WorkbenchOptions();
        static string S(object value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
        return new Dictionary<string, string>
        {
            ["Gateway:AuthPermitLimit"] = S(gateway.AuthPermitLimit),
            ["Gateway:FailedSignInLimit"] = S(gateway.FailedSignInLimit),
            ["Gateway:RegistrationBurstLimit"] = S(gateway.RegistrationBurstLimit),
            ["Gateway:RegistrationLimit"] = S(gateway.RegistrationLimit),
            ["Gateway:ApiRequestsPerSecond"] = S(gateway.ApiRequestsPerSecond),
            ["Gateway:ApiBurst"] = S(gateway.ApiBurst),
            ["Workbench:ConnectionsPerMinutePerUser"] = S(workbench.ConnectionsPerMinutePerUser),
            ["Workbench:ConnectionBurstPerUser"] = S(workbench.ConnectionBurstPerUser),
        };
    }

    /// <summary>The settings the Hub was started with, for tests that start more Hub hosts on the same Services and Redis.</summary>
    public IReadOnlyDictionary<string, string> HubSettings { get; }

    /// <summary>Another Hub host on the same Services and Redis, with <paramref name="overrides"/> on top; the caller disposes it.</summary>
    public HubFactory NewHub(Dictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>(HubSettings);
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return new HubFactory(settings);
    }

    public ServicesFixture Services { get; }

    public HubFactory Hub { get; }

    /// <summary>A platform of its own whose Hub gets <paramref name="hubSettings"/> on top of the suite's.</summary>
    public static PlatformFixture With(Dictionary<string, string> hubSettings) => new(hubSettings, []);

    /// <summary>A platform of its own whose Services get <paramref name="servicesSettings"/> on top of the suite's.</summary>
    public static PlatformFixture WithServices(Dictionary<string, string> servicesSettings) => new([], servicesSettings);

    /// <summary>A platform of its own on the Redis at <paramref name="configuration"/> (a fault test's own server).</summary>
    public static PlatformFixture OnRedis(string configuration) =>
        new(new() { ["Redis:Configuration"] = configuration }, new() { ["Redis:Configuration"] = configuration });

    /// <summary>A client of the Hub's real address, as a browser or curl would be.</summary>
    public HttpClient Client(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Address(Hub.Services)) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    public static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public void Dispose()
    {
        Hub.Dispose();
        Services.Dispose();
    }

    public sealed class HubFactory : WebApplicationFactory<HubEntryPoint>
    {
        private readonly Dictionary<string, string> _settings;

        /// <summary>What this Hub logged at Warning and above.</summary>
        public LogRecorder Logs { get; } = new();

        public HubFactory(Dictionary<string, string> settings)
        {
            _settings = settings;
            UseKestrel(0);
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "Hub in front of Services";
}
