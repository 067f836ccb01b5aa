using System.Diagnostics;
using LearningPlatform.ServiceDefaults.Telemetry;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        builder.Configuration[TestLogging.Key] = TestLogging.Level;
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
        builder.Configuration[TestLogging.Key] = TestLogging.Level;
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

    [Fact]
    public async Task An_access_token_in_the_query_string_is_not_logged_even_with_request_logging_raised_to_Information()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // An operator turning request logging up, as a development machine without appsettings.json had it.
        builder.Configuration["Logging:LogLevel:Default"] = "Information";
        builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] = "Information";
        builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        builder.AddTelemetry("test");
        var logged = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logged);
        await using var app = builder.Build();
        app.MapGet("/hubs/probe", (ILogger<TelemetryTests> logger) =>
        {
            logger.LogInformation("probe answered");
            return "ok";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal("ok", await client.GetStringAsync("/hubs/probe?access_token=secret-token-4711"));
        await app.StopAsync();

        Assert.Contains(logged.Messages, m => m.Contains("probe answered", StringComparison.Ordinal));
        Assert.Contains(logged.Messages, m => m.Contains("/hubs/probe", StringComparison.Ordinal)); // routing still logs the endpoint
        Assert.DoesNotContain(logged.Messages, m => m.Contains("secret-token-4711", StringComparison.Ordinal));
    }

    /// <summary>Every message the real logging pipeline lets through (after its filters), with its state.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(p => p.Value) ?? []));
        }
    }
}
