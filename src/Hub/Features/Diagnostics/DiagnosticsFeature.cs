using LearningPlatform.Hub.Features.Diagnostics.CSharp;
using LearningPlatform.Hub.Features.Diagnostics.JavaScript;
using LearningPlatform.Hub.Features.Diagnostics.Python;
using LearningPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// Live diagnostics while a learner types. The hub calls <see cref="DiagnosticsPipeline.DocumentChanged"/> on
/// each edit and <see cref="DiagnosticsPipeline.CloseSession"/> when a session ends, and registers an
/// <see cref="IDiagnosticsSink"/> that pushes to the learner's connection and the session's watchers (the last
/// registration wins, before or after this call).
/// </summary>
public static class DiagnosticsFeature
{
    public static IHostApplicationBuilder AddDiagnostics(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DiagnosticsOptions>(DiagnosticsOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CSharpAnalyzer>();
        services.AddSingleton<PythonAnalyzer>();
        services.AddSingleton<JavaScriptAnalyzer>();
        services.AddSingleton<ILanguageAnalyzer>(sp => sp.GetRequiredService<CSharpAnalyzer>());
        services.AddSingleton<ILanguageAnalyzer>(sp => sp.GetRequiredService<PythonAnalyzer>());
        services.AddSingleton<ILanguageAnalyzer>(sp => sp.GetRequiredService<JavaScriptAnalyzer>());
        services.TryAddSingleton<IDiagnosticsSink, ChannelDiagnosticsSink>();
        services.AddSingleton<AnalysisScheduler>();
        services.AddSingleton<DiagnosticsPipeline>();
        services.AddHostedService<DiagnosticsWarmUp>();
        return builder;
    }
}

/// <summary>Warms Roslyn and starts the Python helper in the background, without delaying the host's start.</summary>
internal sealed class DiagnosticsWarmUp(
    CSharpAnalyzer csharp, PythonAnalyzer python, IOptions<DiagnosticsOptions> options, ILogger<DiagnosticsWarmUp> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpOnStart)
        {
            return;
        }

        try
        {
            var started = TimeProvider.System.GetTimestamp();
            await Task.Run(() => csharp.WarmUpAsync(stoppingToken), stoppingToken);
            DiagnosticsLog.CSharpWarm(logger, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            await python.WarmUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            DiagnosticsLog.WarmUpFailed(logger, ex);
        }
    }
}
