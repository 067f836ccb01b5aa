namespace LearningPlatform.Services.Features.Exercises;

public static class ExercisesFeature
{
    public static IHostApplicationBuilder AddExercises(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapExercises(this IEndpointRouteBuilder api) => api;
}
