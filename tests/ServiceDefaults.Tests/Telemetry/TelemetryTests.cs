using System.Diagnostics;
using LearningPlatform.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.ServiceDefaults.Tests.Telemetry;

/// <summary>Which requests are traced, on a real Kestrel host.</summary>
public sealed class TelemetryTests
{
    [Theory]
    [InlineData("/api/probe", true)]
    [InlineData("/hubs/probe", false)]
    [InlineData("/health/probe", false)]
    public async Task Requests_are_recorded_except_health_metrics_and_the_long_lived_hub_requests(string path, bool recorded)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddTelemetry("test");
        await using var app = builder.Build();
        app.MapGet("/{area}/probe", () => Activity.Current?.Recorded ?? false);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal(recorded.ToString().ToLowerInvariant(), await client.GetStringAsync(path));
    }

    [Fact]
    public async Task Root_spans_named_in_UntracedOperations_are_not_recorded_and_others_are()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Telemetry:UntracedOperations:0"] = "Probe/Keystroke";
        builder.AddTelemetry("test");
        await using var app = builder.Build();
        await app.StartAsync(); // starts the tracer provider
        using var source = new ActivitySource(TelemetryExtensions.SourceName);
        Activity.Current = null;

        var keystroke = source.StartActivity("Probe/Keystroke");
        keystroke?.Stop();
        Activity.Current = null;
        using var open = source.StartActivity("Probe/Open");

        // OpenTelemetry still lets the activity exist for context propagation, but records nothing of it (no tags).
        Assert.False(keystroke?.Recorded ?? false);
        Assert.False(keystroke?.IsAllDataRequested ?? false);
        Assert.NotNull(open);
        Assert.True(open.Recorded);
    }
}
