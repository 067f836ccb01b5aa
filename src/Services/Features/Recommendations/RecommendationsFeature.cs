using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Events;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary>
/// Knowledge tracing (Elo-style, with forgetting) fed by <see cref="ProgressUpdated"/>, and ranked next exercises
/// that respect the catalog's concept prerequisites, refreshed by Hangfire jobs and cached in Redis.
/// </summary>
public static class RecommendationsFeature
{
    public static IHostApplicationBuilder AddRecommendations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RecommendationsOptions>(RecommendationsOptions.SectionName)
            .Validate(o => o.PrerequisiteThreshold < o.MasteryThreshold, "Recommendations: PrerequisiteThreshold must be below MasteryThreshold.");
        builder.Services.AddSingleton<KnowledgeStore>();
        builder.Services.AddSingleton<RecommendationService>();
        builder.Services.AddSingleton<IMasteryReader>(sp => sp.GetRequiredService<RecommendationService>());
        builder.Services.AddSingleton<RefreshScheduler>();
        builder.Services.AddScoped<RecommendationJobs>();
        builder.Services.AddEventHandler<ProgressUpdated, TraceKnowledge>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/recommendations").WithTags("Recommendations").RequireAuthorization();
        group.MapGetRecommendations();
        return api;
    }
}
