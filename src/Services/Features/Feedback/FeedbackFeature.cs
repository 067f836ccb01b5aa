using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Events;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary>Explained errors and failed assertions per run, and hints released progressively per learner and exercise.</summary>
public static class FeedbackFeature
{
    public static IHostApplicationBuilder AddFeedback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FeedbackOptions>(FeedbackOptions.SectionName);
        builder.Services.AddSingleton<FeedbackStore>();
        builder.Services.AddSingleton<FeedbackSessions>();
        builder.Services.AddSingleton<IHintLedger, HintLedger>();
        // After Runs' own handler of the same event, which stores the result first.
        builder.Services.AddEventHandler<RunCompleted, ExplainRun>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/feedback").WithTags("Feedback").RequireAuthorization();
        group.MapGetRunFeedback();
        group.MapRevealHint();
        return api;
    }
}
