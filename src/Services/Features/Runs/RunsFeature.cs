using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Events;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>
/// The public face of the code runner: accepts runs, queues them for RunnerHost on Redis, streams their events,
/// stores their results and tells progress about submissions.
/// </summary>
public static class RunsFeature
{
    public static IHostApplicationBuilder AddRuns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RunsOptions>(RunsOptions.SectionName);
        builder.Services.AddSingleton<RunStore>();
        builder.Services.AddSingleton<RunQueue>();
        builder.Services.AddSingleton<IRunLookup, RunLookup>();
        builder.Services.AddSingleton<ITrialRuns, TrialRuns>();
        builder.Services.AddSingleton<RunRequeuer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RunRequeuer>());
        builder.Services.AddEventHandler<RunCompleted, RunCompletedHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs").RequireAuthorization();
        runs.MapSubmitRun();
        runs.MapGetRun();
        return api;
    }
}
