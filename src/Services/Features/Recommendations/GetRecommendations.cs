using System.Security.Claims;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Auth;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary><c>GET /api/recommendations/me</c>: the signed-in learner's ranked next exercises, each with its reason.</summary>
public static class GetRecommendations
{
    public sealed record Response(IReadOnlyList<RecommendedExercise> Items);

    public static void MapGetRecommendations(this IEndpointRouteBuilder group) =>
        group.MapGet("/me", async (ClaimsPrincipal user, RecommendationService recommendations, CancellationToken cancellationToken) =>
                Results.Ok(new Response(await recommendations.GetAsync(user.UserId(), cancellationToken))))
            .WithName("GetMyRecommendations")
            .WithSummary("Ranked next exercises with a reason each; prerequisites are always met.")
            .Produces<Response>();
}
